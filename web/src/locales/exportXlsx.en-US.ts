import type { exportXlsxZhCN } from './exportXlsx.zh-CN';

/** List export to XLSX. */
export const exportXlsxEnUS: Record<keyof typeof exportXlsxZhCN, string> = {
  'export.xlsx': 'Export XLSX',
  'export.tooltip': 'Exports every page under the current filters, up to {cap} rows',
  'export.progress': 'Exporting {done}/{total}',
  'export.progressNoTotal': 'Exporting {done} rows',
  'export.done': 'Exported {n} rows',
  'export.capped': 'The list has {total} rows, more than one export holds: only the first {cap} were exported. Narrow the filters and export in parts.',
  'export.col.version': 'Version',
  'export.col.updatedAt': 'Updated',
  'export.cappedNoTotal': 'The list has more rows than one export holds: only the first {cap} were exported. Narrow the filters and export in parts.',
};
