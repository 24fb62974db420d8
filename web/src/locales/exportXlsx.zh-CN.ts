/** 列表导出 XLSX. */
export const exportXlsxZhCN = {
  'export.xlsx': '导出 XLSX',
  'export.tooltip': '按当前筛选条件导出全部页，最多 {cap} 条',
  'export.progress': '正在导出 {done}/{total}',
  'export.progressNoTotal': '正在导出 {done} 条',
  'export.done': '已导出 {n} 条',
  'export.capped': '列表共 {total} 条，超过单次导出上限，只导出了前 {cap} 条；请缩小筛选范围后分批导出。',
  'export.col.version': '版本',
  'export.col.updatedAt': '更新时间',
  'export.cappedNoTotal': '列表超过单次导出上限，只导出了前 {cap} 条；请缩小筛选范围后分批导出。',
} as const;
