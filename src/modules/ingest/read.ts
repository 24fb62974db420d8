/**
 * Readers of a load's body by format: each maps the file's columns to the entry's fields and hands
 * every row to `take` (which validates it and returns its COPY line, or null when rejected),
 * writing the accepted lines to the staging table's COPY in batches, one write per chunk of input.
 */
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { AppError } from '../../kernel/errors.js';
import type { CatalogField } from '../catalog/tables.js';
import type { CopyWriter } from './copy.js';
import { CsvError, readCsvRecords, type CsvSink } from './csv.js';
import type { RawValue } from './validators.js';

export const ART_AGGREGATE = '000 第八条';

export type Take = (line: number, raw: readonly RawValue[]) => string | null;

/** Maps the header to the fields: every column must be a field; every required field a column. */
export function columnMap(header: readonly string[], fields: readonly CatalogField[]): number[] {
  const names = header.map((h) => h.trim());
  const unknown = names.filter((n) => !fields.some((f) => f.name === n));
  if (unknown.length > 0) throw new AppError('VALIDATION', `文件含目录中没有的数据项：${unknown.join('、')}`, { source: ART_AGGREGATE });
  const missing = fields.filter((f) => (f.required || f.key) && !names.includes(f.name)).map((f) => f.name);
  if (missing.length > 0) throw new AppError('VALIDATION', `文件缺少必填数据项：${missing.join('、')}`, { source: ART_AGGREGATE });
  // For each field, the column it is read from (-1: absent, read as empty).
  return fields.map((f) => names.indexOf(f.name));
}

export async function readCsv(body: Readable, fields: readonly CatalogField[], take: Take, writer: CopyWriter): Promise<void> {
  let map: number[] | null = null;
  const raw: RawValue[] = new Array<RawValue>(fields.length);
  let out = '';
  // One record: the header gives the column map, every other record is mapped to the fields
  // (a missing column reads as empty) and taken; accepted lines are gathered for the next write.
  const onRecord: CsvSink = (line, values, count) => {
    if (map === null) {
      map = columnMap(values.slice(0, count), fields);
      return;
    }
    for (let i = 0; i < map.length; i++) {
      const c = map[i] as number;
      raw[i] = c >= 0 && c < count ? values[c] : null;
    }
    const copy = take(line, raw);
    if (copy !== null) out += copy;
  };
  const flush = () => {
    if (out === '') return;
    const lines = out;
    out = '';
    return writer.write(lines);
  };
  try {
    await readCsvRecords(body, onRecord, flush);
  } catch (err) {
    if (err instanceof CsvError) throw new AppError('VALIDATION', `CSV 格式错误，${err.message}`, { source: ART_AGGREGATE });
    throw err;
  }
  if (!map) throw new AppError('VALIDATION', '文件为空：缺少表头行', { source: ART_AGGREGATE });
}

export async function readNdjson(body: Readable, fields: readonly CatalogField[], take: Take, writer: CopyWriter): Promise<void> {
  const lines = readline.createInterface({ input: body, crlfDelay: Infinity });
  body.on('error', (err) => lines.emit('error', err));
  const names = new Set(fields.map((f) => f.name));
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      obj = undefined;
    }
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      // A line that is not a JSON object is a rejected row (every field reads as an object).
      const out = take(line, fields.map(() => ({ notJson: true })));
      if (out !== null) await writer.write(out);
      continue;
    }
    const rec = obj as Record<string, unknown>;
    const unknown = Object.keys(rec).filter((n) => !names.has(n));
    if (unknown.length > 0) throw new AppError('VALIDATION', `第 ${line} 行含目录中没有的数据项：${unknown.join('、')}`, { source: ART_AGGREGATE });
    const out = take(
      line,
      fields.map((f) => rec[f.name]),
    );
    if (out !== null) await writer.write(out);
  }
}
