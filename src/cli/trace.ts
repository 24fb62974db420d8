/**
 * `gongshu trace <file>`: names the delivery a leaked file came from. Reads a CSV or NDJSON file
 * as a stream, takes the fingerprint of every row (as the export wrote it) and looks them up among
 * the canary rows recorded with every batch export. A file in which at least one canary survives
 * intact — rows deleted or reordered, other rows edited — still names its export; a file of the
 * same data that never went out as an export matches none.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { CsvError, readCsvRecords } from '../modules/ingest/csv.js';
import type { Executor } from '../kernel/db.js';
import { rowFingerprint } from '../modules/delivery/export.rules.js';
import { canariesByFingerprint, findExport } from '../modules/delivery/export.repo.js';

/** Fingerprints looked up per query. */
const BATCH = 500;

export interface TraceMatch {
  exportId: string;
  grantId: string;
  entryCode: string;
  recipient: { id: string; name: string };
  provider: { id: string; name: string };
  method: string;
  format: string;
  createdAt: string;
  finishedAt: string | null;
  /** Canary rows of that export found intact in the file, of those it carried. */
  canariesFound: number;
  canariesTotal: number;
}

export interface TraceResult {
  format: 'csv' | 'ndjson';
  rows: number;
  matches: TraceMatch[];
}

/** NDJSON when the first non-blank character is `{`, else CSV. */
async function sniff(file: string): Promise<'csv' | 'ndjson'> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    return head.startsWith('{') ? 'ndjson' : 'csv';
  } finally {
    await fd.close();
  }
}

/** Traces a file against the exports recorded in `db`. */
export async function traceFile(db: Executor, file: string): Promise<TraceResult> {
  const format = await sniff(file);
  const hits = new Map<string, Set<number>>();
  let pending = new Set<string>();
  let rows = 0;
  const lookUp = async () => {
    if (pending.size === 0) return;
    const batch = [...pending];
    pending = new Set();
    for (const c of await canariesByFingerprint(db, batch)) {
      const s = hits.get(c.export_id) ?? new Set<number>();
      s.add(c.ordinal);
      hits.set(c.export_id, s);
    }
  };
  const take = (row: Record<string, unknown>) => {
    rows++;
    pending.add(rowFingerprint(row));
  };

  if (format === 'csv') {
    let header: string[] | null = null;
    try {
      await readCsvRecords(
        fs.createReadStream(file),
        (_line, values, count) => {
          if (header === null) {
            header = values.slice(0, count).map((h) => h.trim());
            return;
          }
          if (count === 1 && values[0] === '') return;
          const row: Record<string, unknown> = {};
          header.forEach((h, i) => {
            row[h] = i < count ? values[i] : '';
          });
          take(row);
        },
        async () => {
          if (pending.size >= BATCH) await lookUp();
        },
      );
    } catch (err) {
      if (err instanceof CsvError) throw new Error(`CSV 格式错误，${err.message}`);
      throw err;
    }
  } else {
    const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    for await (const text of lines) {
      if (text.trim() === '') continue;
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch {
        continue;
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) continue;
      take(obj as Record<string, unknown>);
      if (pending.size >= BATCH) await lookUp();
    }
  }
  await lookUp();

  const matches: TraceMatch[] = [];
  for (const [exportId, found] of hits) {
    const x = await findExport(db, exportId);
    if (!x) continue;
    matches.push({
      exportId,
      grantId: x.grant_id,
      entryCode: x.entry_code,
      recipient: { id: x.subject_org_id, name: x.subject_name },
      provider: { id: x.provider_org_id, name: x.provider_name },
      method: x.method,
      format: x.format,
      createdAt: x.created_at.toISOString(),
      finishedAt: x.finished_at?.toISOString() ?? null,
      canariesFound: found.size,
      canariesTotal: x.canaries,
    });
  }
  matches.sort((a, b) => b.canariesFound - a.canariesFound || a.createdAt.localeCompare(b.createdAt));
  return { format, rows, matches };
}

export interface TraceIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** The command: prints the export(s) the file came from (exit 0), or that none matched (exit 1). */
export async function trace(db: Executor, file: string, io: TraceIo): Promise<{ exitCode: number; result: TraceResult | null }> {
  if (!fs.existsSync(file)) {
    io.err.write(`文件不存在：${file}\n`);
    return { exitCode: 2, result: null };
  }
  const r = await traceFile(db, file);
  if (r.matches.length === 0) {
    io.out.write(`未找到匹配的数据提供：${file}（${r.format.toUpperCase()}，${r.rows} 行）不含任何导出记录的校验行\n`);
    return { exitCode: 1, result: r };
  }
  io.out.write(`${file}（${r.format.toUpperCase()}，${r.rows} 行）出自以下数据提供：\n`);
  for (const m of r.matches) {
    io.out.write(
      [
        `  导出任务  ${m.exportId}`,
        `  共享授权  ${m.grantId}`,
        `  目录      ${m.entryCode}`,
        `  接收单位  ${m.recipient.name}（${m.recipient.id}）`,
        `  提供单位  ${m.provider.name}`,
        `  方式      ${m.method} / ${m.format}`,
        `  创建时间  ${m.createdAt}${m.finishedAt ? `，完成时间 ${m.finishedAt}` : ''}`,
        `  校验行    ${m.canariesFound} / ${m.canariesTotal} 条完好`,
        '',
      ].join('\n'),
    );
  }
  return { exitCode: 0, result: r };
}
