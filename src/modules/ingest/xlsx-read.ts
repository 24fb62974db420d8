/**
 * Spreadsheet loads (000 第八条: 数据以表格文件汇聚) and headers written in field labels. An XLSX
 * body is read with exceljs's streaming reader: the first worksheet, its first non-empty row the
 * header (field names or field labels), each later row handed to `take` like a CSV record, its
 * line number the sheet's row number. The accepted lines go to the COPY in batches. A CSV whose
 * header uses the labels (公民身份号码, 姓名…) has its header line rewritten to the field names
 * before the CSV reader sees it, so both readers map columns through `columnMap` alike.
 */
import { finished } from 'node:stream/promises';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../kernel/errors.js';
import type { CatalogField } from '../catalog/tables.js';
import type { CopyWriter } from './copy.js';
import { ART_AGGREGATE, columnMap, type Take } from './read.js';
import type { RawValue } from './validators.js';

/** Characters of accepted lines gathered before one write to the COPY. */
const BATCH_CHARS = 64 * 1024;
/** A header line longer than this is left to the CSV reader as it is. */
const MAX_HEADER_BYTES = 1024 * 1024;

/**
 * The header with each column given as its field name: a column is read as the field whose name
 * it is, else as the field whose label it is, else kept as written (`columnMap` then refuses it).
 */
export function fieldHeader(header: readonly string[], fields: readonly CatalogField[]): string[] {
  return header.map((h) => {
    const t = h.trim();
    if (fields.some((f) => f.name === t)) return t;
    return fields.find((f) => f.label.trim() === t)?.name ?? t;
  });
}

// ---------------------------------------------------------------------------------------------
// CSV: the header line by labels

/** Splits one CSV record (without its line break); null when it is not well-formed. */
function splitRecord(s: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (s.charCodeAt(i) === 34) {
      let f = '';
      i++;
      for (;;) {
        const j = s.indexOf('"', i);
        if (j < 0) return null;
        f += s.slice(i, j);
        if (s.charCodeAt(j + 1) === 34) {
          f += '"';
          i = j + 2;
          continue;
        }
        i = j + 1;
        break;
      }
      out.push(f);
    } else {
      const j = s.indexOf(',', i);
      const e = j < 0 ? s.length : j;
      const f = s.slice(i, e);
      if (f.includes('"')) return null;
      out.push(f);
      i = e;
    }
    if (i >= s.length) return out;
    if (s.charCodeAt(i) !== 44) return null;
    i++;
    if (i >= s.length) {
      out.push('');
      return out;
    }
  }
}

const csvField = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The byte offset just past the header record's line break, or -1 if it has not arrived yet. */
function headerEnd(buf: Buffer): number {
  let quoted = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) return i + 1;
  }
  return -1;
}

/** The header record rewritten to field names, or null when it needs no change (or is malformed). */
function renamedHeader(bytes: Buffer, fields: readonly CatalogField[]): Buffer | null {
  let text = bytes.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  if (bom) text = text.slice(1);
  const body = text.replace(/\r?\n$/, '');
  const cells = splitRecord(body);
  if (!cells) return null;
  const names = fieldHeader(cells, fields);
  if (names.every((n, i) => n === cells[i])) return null;
  // A header spanning several physical lines (a label with a line break) keeps the line numbers
  // of the rows below it: the CSV reader skips the empty lines added in its place.
  const header = names.map(csvField).join(',');
  const breaks = (body.match(/\n/g) ?? []).length - (header.match(/\n/g) ?? []).length;
  return Buffer.from(`${header}\n${'\n'.repeat(Math.max(breaks, 0))}`, 'utf8');
}

/**
 * The CSV body with its header line given in field names when it was written in field labels;
 * every byte after the header passes through unchanged.
 */
export function csvWithFieldNames(body: Readable, fields: readonly CatalogField[]): Readable {
  async function* rewrite(): AsyncGenerator<Buffer> {
    let head: Buffer | null = Buffer.alloc(0);
    for await (const chunk of body as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (head === null) {
        yield bytes;
        continue;
      }
      head = Buffer.concat([head, bytes]);
      const end = headerEnd(head);
      if (end < 0 && head.length < MAX_HEADER_BYTES) continue;
      const renamed = end < 0 ? null : renamedHeader(head.subarray(0, end), fields);
      yield renamed ? Buffer.concat([renamed, head.subarray(end)]) : head;
      head = null;
    }
    if (head !== null && head.length > 0) yield renamedHeader(head, fields) ?? head;
  }
  return Readable.from(rewrite(), { objectMode: false });
}

// ---------------------------------------------------------------------------------------------
// XLSX

/** `YYYY-MM-DD` for date fields, `YYYY-MM-DDTHH:MM:SS` (Beijing time, as written) otherwise. */
function formatDate(d: Date, type: CatalogField['type']): string {
  if (Number.isNaN(d.getTime())) return String(d);
  // exceljs gives a cell's date and time as the UTC fields of a Date: the sheet has no zone.
  const iso = d.toISOString();
  const day = iso.slice(0, 10);
  if (type === 'date') return day;
  const time = iso.slice(11, 19);
  const ms = iso.slice(19, 23);
  if (type !== 'datetime' && time === '00:00:00' && ms === '.000') return day;
  return `${day}T${time}${ms === '.000' ? '' : ms}`;
}

/** An Excel serial date (1900 date system) as the Date exceljs would give for a date-formatted cell. */
const EXCEL_MAX_SERIAL = 2958466;
const serialDate = (n: number) => new Date(Math.round((n - 25569) * 86_400_000));

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** A cell's value as the row validator reads it (strings, numbers, booleans), by the field's type. */
export function cellValue(v: unknown, type: CatalogField['type']): RawValue {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return formatDate(v, type);
  if (typeof v === 'number') {
    // A date typed into a cell without a date format reads as its serial number.
    if ((type === 'date' || type === 'datetime') && v >= 1 && v < EXCEL_MAX_SERIAL) return formatDate(serialDate(v), type);
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (isRecord(v)) {
    if (Array.isArray(v.richText)) return v.richText.map((r: unknown) => (isRecord(r) && typeof r.text === 'string' ? r.text : '')).join('');
    if ('formula' in v || 'sharedFormula' in v) return cellValue(v.result, type);
    if ('hyperlink' in v) return cellValue(v.text, type);
    // What the cell shows (#N/A, #DIV/0!…): refused by every typed field.
    if (typeof v.error === 'string') return v.error;
  }
  return v;
}

/** The text of a header cell. */
function headerText(v: unknown): string {
  const c = cellValue(v, 'string');
  return c === null || c === undefined ? '' : String(c);
}

/** The name of the workbook's first sheet (tab order), when the workbook part has been read. */
function firstSheetName(reader: object): string | undefined {
  const model: unknown = Reflect.get(reader, 'model');
  const sheets = isRecord(model) && Array.isArray(model.sheets) ? model.sheets : [];
  const first: unknown = sheets[0];
  return isRecord(first) && typeof first.name === 'string' ? first.name : undefined;
}

/**
 * The body as a stream of its bytes, checked to be a ZIP archive first: the streaming reader never
 * settles on an empty stream, and fails obscurely on one that is not an archive.
 */
async function zipBody(body: Readable): Promise<Readable> {
  const it = (body as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  while (head.length < 4) {
    const next = await it.next();
    if (next.done) break;
    head = Buffer.concat([head, typeof next.value === 'string' ? Buffer.from(next.value) : next.value]);
  }
  if (head.length === 0) throw new AppError('VALIDATION', '文件为空：缺少表头行', { source: ART_AGGREGATE });
  if (head.length < 4 || head.readUInt32LE(0) !== 0x04034b50) {
    throw new AppError('VALIDATION', 'XLSX 文件无法读取：不是 Office Open XML 工作簿（.xlsx）；旧版 .xls 请另存为 .xlsx 或 CSV', { source: ART_AGGREGATE });
  }
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      yield head;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      }
    } finally {
      // Abandoned early (the load stopped): release the body as a for-await would.
      await it.return?.();
    }
  }
  return Readable.from(rest(), { objectMode: false });
}

/**
 * Reads the first worksheet of an XLSX body: the first non-empty row is the header, every later
 * non-empty row is validated by `take` (line = its row number) and written to the COPY in batches.
 */
export async function readXlsx(body: Readable, fields: readonly CatalogField[], take: Take, writer: CopyWriter): Promise<void> {
  const input = await zipBody(body);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const types = fields.map((f) => f.type);
  const raw = new Array<RawValue>(fields.length);
  let map: number[] | null = null;
  let sheetRead = false;
  // An error of the load's own work (validation hook, COPY) passes through as it is.
  let own: unknown = undefined;
  try {
    for await (const sheet of reader) {
      const first = firstSheetName(reader);
      const name: unknown = Reflect.get(sheet, 'name');
      if (sheetRead || (first !== undefined && name !== first)) continue;
      sheetRead = true;
      let out = '';
      for await (const row of sheet) {
        try {
          if (!map) {
            const header: string[] = [];
            row.eachCell({ includeEmpty: true }, (cell, col) => {
              header[col - 1] = headerText(cell.value);
            });
            const cells = Array.from(header, (h) => h ?? '');
            while (cells.length > 0 && cells[cells.length - 1]?.trim() === '') cells.pop();
            if (cells.length === 0) continue;
            const blank = cells.findIndex((h) => h.trim() === '');
            if (blank >= 0) throw new AppError('VALIDATION', `表头第 ${blank + 1} 列为空：每一列都应是目录中的数据项（名称或中文名）`, { source: ART_AGGREGATE });
            map = columnMap(fieldHeader(cells, fields), fields);
            continue;
          }
          let empty = true;
          for (let i = 0; i < map.length; i++) {
            const c = map[i] as number;
            const v = c < 0 ? null : cellValue(row.getCell(c + 1).value, types[i] as CatalogField['type']);
            raw[i] = v;
            if (v !== null && v !== '') empty = false;
          }
          if (empty) continue;
          const line = take(row.number, raw);
          if (line !== null) out += line;
          if (out.length >= BATCH_CHARS) {
            await writer.write(out);
            out = '';
          }
        } catch (err) {
          own = err;
          throw err;
        }
      }
      try {
        if (out) await writer.write(out);
      } catch (err) {
        own = err;
        throw err;
      }
    }
  } catch (err) {
    if (err === own || err instanceof AppError) throw err;
    // The upload itself broke (connection lost): the load failed, the file may be fine.
    if (body.errored || input.errored) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new AppError('VALIDATION', `XLSX 文件无法读取（${reason}）：请确认文件完整，或另存为 .xlsx 后重新上传`, { source: ART_AGGREGATE });
  }
  if (!sheetRead) throw new AppError('VALIDATION', 'XLSX 文件中没有工作表', { source: ART_AGGREGATE });
  if (!map) throw new AppError('VALIDATION', '文件为空：缺少表头行', { source: ART_AGGREGATE });
  // What the archive holds after its last part is read to the end, so the request (or the form's
  // next part) can follow.
  if (!input.readableEnded && !input.destroyed) {
    input.resume();
    await finished(input);
  }
}
