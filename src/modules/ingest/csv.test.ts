/** The streaming CSV reader: quoting, line breaks in quotes, CRLF, BOM, chunk boundaries anywhere. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CsvError, parseChunk, readCsvBatches, type CsvRecord } from './csv.js';

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
