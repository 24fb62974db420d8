/** The whole database as Kysely sees it: the kernel's tables and each module's own. */
import type { KernelTables } from './kernel/tables.js';
import type { IdentityTables } from './modules/identity/tables.js';
import type { CatalogTables } from './modules/catalog/tables.js';
import type { IngestTables } from './modules/ingest/tables.js';
import type { QualityTables } from './modules/quality/tables.js';
import type { CollectionTables } from './modules/collections/tables.js';
import type { UploadTables } from './modules/ingest/uploads.tables.js';
import type { ReflowTables } from './modules/ingest/reflow.tables.js';
import type { PullTables } from './modules/ingest/pull.tables.js';
import type { SharingTables } from './modules/sharing/tables.js';
import type { DeliveryTables } from './modules/delivery/tables.js';
import type { ExportTables } from './modules/delivery/export.tables.js';
import type { OpenApplicationTables } from './modules/opening/applications.tables.js';
import type { OpenDemandTables } from './modules/opening/demands.tables.js';
import type { OpeningGateTables } from './modules/opening/gate.tables.js';
import type { OpeningTables } from './modules/opening/tables.js';
import type { SandboxTables } from './modules/privacy/sandbox.tables.js';

export interface Database extends KernelTables, IdentityTables, CatalogTables, IngestTables, QualityTables, CollectionTables, UploadTables, PullTables, ReflowTables, SharingTables, DeliveryTables, ExportTables, OpenApplicationTables, OpenDemandTables, OpeningGateTables, OpeningTables, SandboxTables {}
