/**
 * Writes rows as an .xlsx in the browser. exceljs is loaded only here and only when a list is
 * exported (a dynamic import), so it stays out of the bundle every page loads; its package's
 * `browser` build carries what it needs, without Node polyfills from the bundler.
 */
const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Excel's limits on a sheet name: 31 characters, none of `\ / ? * [ ] :`. */
function sheetName(title: string): string {
  return title.replace(/[\\/?*[\]:]/g, '_').slice(0, 31) || 'Sheet1';
}

/** A sheet with a bold, frozen header row and columns wide enough for their text. */
export async function xlsxBlob(title: string, header: string[], rows: string[][]): Promise<Blob> {
  const { Workbook } = await import('exceljs');
  const wb = new Workbook();
  const ws = wb.addWorksheet(sheetName(title), { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  header.forEach((h, i) => {
    // CJK characters take about two widths; the widest of the first rows is enough.
    let width = 0;
    for (const text of [h, ...rows.slice(0, 200).map((r) => r[i] ?? '')]) {
      let w = 0;
      for (const ch of text) w += /[\u2E80-\uFFEF]/.test(ch) ? 2 : 1;
      width = Math.max(width, w);
    }
    ws.getColumn(i + 1).width = Math.min(60, Math.max(8, width + 2));
  });
  const buf = await wb.xlsx.writeBuffer();
  return new Blob([buf], { type: XLSX_MIME });
}
