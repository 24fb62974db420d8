/**
 * `gongshu trace` on files that match no delivery: exit 1, the file's format and rows named; a
 * missing file exits 2. The tracing of real exports (and of altered copies) is tested with the
 * export flow in src/modules/delivery/export.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv, type TestEnv } from '../../test/harness.js';
import { trace } from './trace.js';

let env: TestEnv;
let dir: string;

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}
async function run(name: string, text: string | null) {
  const file = path.join(dir, name);
  if (text !== null) fs.writeFileSync(file, text);
  const out = new Sink();
  const err = new Sink();
  const r = await trace(env.k.db.kysely, file, { out, err });
  return { ...r, out: out.text, err: err.text };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongshu-trace-'));
  env = await testEnv({ seed: false });
});
afterAll(async () => {
  await env?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('gongshu trace', () => {
  it('reads CSV (BOM, CRLF, quoted cells) and reports no match with exit 1', async () => {
    const r = await run('a.csv', '\uFEFFname,note\r\n张三,"a, ""b"""\r\n李四,\r\n');
    expect(r.exitCode).toBe(1);
    expect(r.result).toMatchObject({ format: 'csv', rows: 2, matches: [] });
    expect(r.out).toContain('未找到');
  });

  it('reads NDJSON, skipping blank and broken lines', async () => {
    const r = await run('a.ndjson', '{"name":"张三","n":1}\n\nnot json\n{"name":"李四","n":2}\n');
    expect(r.exitCode).toBe(1);
    expect(r.result).toMatchObject({ format: 'ndjson', rows: 2, matches: [] });
  });

  it('exits 2 on a missing file', async () => {
    const r = await run('missing.csv', null);
    expect(r.exitCode).toBe(2);
    expect(r.err).toContain('文件不存在');
  });
});
