/** Saves a blob as a file in the browser. */
export function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started by the next turn; the URL is freed a little later to be safe.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves text as a file in the browser. */
export function downloadText(filename: string, text: string, mime: string): void {
  saveBlob(filename, new Blob([text], { type: mime }));
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** Writes rows as CSV with a UTF-8 byte-order mark so spreadsheet programs read Chinese correctly. */
export function downloadCsv(filename: string, header: string[], rows: string[][]): void {
  const lines = [header, ...rows].map((r) => r.map(csvCell).join(','));
  downloadText(filename, '\uFEFF' + lines.join('\r\n') + '\r\n', 'text/csv;charset=utf-8');
}
