/** The streaming CSV reader: quoting, line breaks in quotes, CRLF, BOM, chunk boundaries anywhere. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvError, parseChunk, readCsvBatches, scanCsv, type CsvRecord } from './csv.js';

async function readAll(chunks: string[]): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  await readCsvBatches(Readable.from(chunks.map((c) => Buffer.from(c))), async (rs) => {
    out.push(...rs.map((r) => ({ line: r.line, fields: [...r.fields] })));
  });
  return out;
}

const SAMPLE = '\uFEFFa,b,c\r\n1,"x, y",3\n\n2,"say ""hi""",\n3,"two\nlines",z\n4,,"last"';
const EXPECTED: CsvRecord[] = [
  { line: 1, fields: ['a', 'b', 'c'] },
  { line: 2, fields: ['1', 'x, y', '3'] },
  { line: 4, fields: ['2', 'say "hi"', ''] },
  { line: 5, fields: ['3', 'two\nlines', 'z'] },
  { line: 7, fields: ['4', '', 'last'] },
];

describe('readCsvBatches', () => {
  it('reads quoted fields, doubled quotes, line breaks in quotes, CRLF, a BOM and a last line without newline', async () => {
    expect(await readAll([SAMPLE])).toEqual(EXPECTED);
  });
  it('gives the same records whatever the chunk boundaries', async () => {
    const bytes = Buffer.from(SAMPLE);
    for (let cut = 1; cut < bytes.length; cut++) {
      const out: CsvRecord[] = [];
      await readCsvBatches(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]), async (rs) => {
        out.push(...rs);
      });
      expect(out, `cut at ${cut}`).toEqual(EXPECTED);
    }
  });
  it('refuses an unclosed quote and a stray quote', () => {
    expect(() => parseChunk('a,"b\n', 1, true)).toThrow(CsvError);
    expect(() => parseChunk('a,b"c\n', 1, true)).toThrow(CsvError);
  });
});

/** A deterministic pseudo-random sequence (tests must not depend on luck). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

describe('scanCsv on generated files', () => {
  // Values of every awkward kind: commas, quotes, line breaks of both kinds, tabs, backslashes,
  // Chinese (three UTF-8 bytes), a character outside the BMP (four), spaces, empty.
  const ALPHABET = ['a', 'Z', '7', ',', '"', '\n', '\r\n', '\t', '\\', '公', '数', '𠀀', ' ', '.', 'N'];
  const makeFile = (seed: number) => {
    const rnd = lcg(seed);
    const records: CsvRecord[] = [];
    let text = '';
    let line = 1;
    const rows = 1 + rnd(30);
    for (let r = 0; r < rows; r++) {
      if (rnd(8) === 0) {
        // An empty line, skipped (it still counts as a line).
        text += rnd(2) ? '\r\n' : '\n';
        line++;
      }
      const n = 1 + rnd(6);
      const fields: string[] = [];
      const cells: string[] = [];
      let breaks = 0;
      for (let f = 0; f < n; f++) {
        let v = '';
        for (let k = rnd(7); k > 0; k--) v += ALPHABET[rnd(ALPHABET.length)];
        const mustQuote = /[",\r\n]/.test(v) || (n === 1 && v === '');
        if (!mustQuote && /^[ ]*$/.test(v) && v !== '' && n === 1) v = 'x';
        fields.push(v);
        cells.push(mustQuote || rnd(4) === 0 ? `"${v.replace(/"/g, '""')}"` : v);
        breaks += (v.match(/\n/g) ?? []).length;
      }
      records.push({ line, fields });
      text += cells.join(',') + (r === rows - 1 && rnd(2) ? '' : rnd(2) ? '\r\n' : '\n');
      line += breaks + 1;
    }
    return { text, records };
  };

  it('reads back what was written, with its line numbers, however the bytes are cut', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const { text, records } = makeFile(seed);
      const bytes = Buffer.from(text);
      const rnd = lcg(seed * 7919);
      const cuts = [0];
      for (let k = rnd(5); k > 0; k--) cuts.push(rnd(bytes.length + 1));
      cuts.push(bytes.length);
      cuts.sort((a, b) => a - b);
      const chunks = cuts.slice(1).map((c, i) => bytes.subarray(cuts[i], c));
      const out: CsvRecord[] = [];
      await readCsvBatches(Readable.from(chunks), async (rs) => {
        out.push(...rs);
      });
      expect(out, `seed ${seed}: ${JSON.stringify(text)}`).toEqual(records);
    }
  });

  it('reports a stray quote on the physical line where it stands', () => {
    expect(() => parseChunk('a,b\n"x\ny",c"d\n', 1, true)).toThrow('第 3 行：引号只能出现在字段开头或成对出现在引号内');
    expect(() => parseChunk('a\n"x\n\ny"z\n', 1, true)).toThrow('第 4 行：引号闭合后应为逗号或换行');
    expect(() => parseChunk('a\n\n"x\n', 1, true)).toThrow('第 3 行：引号没有闭合');
  });

  it('hands records to the sink in a reused array with their field count', () => {
    const seen: Array<[number, string[]]> = [];
    const fields: string[] = [];
    const r = scanCsv('a,b,c\nd\n"e",f\ng', 1, false, fields, (line, fs, count) => {
      expect(fs).toBe(fields);
      seen.push([line, fs.slice(0, count)]);
    });
    expect(seen).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['d']],
      [3, ['e', 'f']],
    ]);
    // The last line has no line break yet: it waits for the next chunk.
    expect(r).toEqual({ pos: 14, line: 4 });
  });
});
