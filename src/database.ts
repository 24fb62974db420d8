/** The whole database as Kysely sees it: the kernel's tables and each module's own. */
import type { KernelTables } from './kernel/tables.js';
import type { IdentityTables } from './modules/identity/tables.js';
import type { CatalogTables } from './modules/catalog/tables.js';

export interface Database extends KernelTables, IdentityTables, CatalogTables {}
