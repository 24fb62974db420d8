/**
 * What else happens, in the same transaction, when a load becomes the live version of an entry's
 * data: its quality scores (000 第四十一条), and the other consequences of a landed load that
 * other parts of the platform own. Each runs inside the commit, so a failure of any of them rolls
 * the load back and nothing is half-done.
 */
import type { AuthContext } from '../../kernel/auth.js';
import type { Kernel } from '../../kernel/context.js';
import type { Trx } from '../../kernel/db.js';
import type { CatalogField } from '../catalog/tables.js';
import { scoreLoad } from '../quality/scores.js';
import { onLoadTimeliness } from './timeliness.service.js';
import { deliverReflow } from './reflow.service.js';
import { onLoadGate } from '../opening/gate.js';
import type { LoadMode } from './tables.js';

/** A load that has just become live (inside its commit transaction). */
export interface CommittedLoad {
  entryId: string;
  loadId: string;
  mode: LoadMode;
  versionNo: number;
  /** The new live table, schema-qualified: `datasets.l_<load id>`. */
  tableName: string;
  fields: CatalogField[];
  keyFields: string[];
  /** The key index is unique: every key occurs once (so uniqueness need not be counted). */
  keysUnique: boolean;
  rowsTotal: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Rows of the new live version (after an upsert's merge). */
  rows: number;
  at: Date;
  auth: AuthContext | null;
}

export async function onLoadCommitted(k: Kernel, trx: Trx, load: CommittedLoad): Promise<void> {
  await scoreLoad(k, trx, {
    entryId: load.entryId,
    loadId: load.loadId,
    versionNo: load.versionNo,
    tableName: load.tableName,
    fields: load.fields,
    keyFields: load.keyFields,
    keysUnique: load.keysUnique,
    rowsTotal: load.rowsTotal,
    rowsAccepted: load.rowsAccepted,
    rowsRejected: load.rowsRejected,
  });
  // 数据回流 (000 第九条): one delivery per active subscription of the entry.
  await deliverReflow(k, trx, load);
  // 及时 (000 第八、十条): the next load due by the update frequency; declared source updates met.
  await onLoadTimeliness(k, trx, load);
  // 开放前的匿名化审查 (000 第十九条): a gated entry's new version is checked against its plan.
  await onLoadGate(k, trx, load);
}
