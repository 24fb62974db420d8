/** The batch export rules: who exports, the download token, the canary rows and their fingerprints. */
import { describe, expect, it } from 'vitest';
import type { AuthContext } from '../../kernel/auth.js';
import { idNumberCheckChar, usccCheckChar } from '../../kernel/codes.js';
import { sm3 } from '../../kernel/crypto.js';
import { synthUscc } from '../ingest/synth.js';
import {
  canaryCount,
  canaryPositions,
  canaryRow,
  canExport,
  checkDownloadToken,
  downloadToken,
  exportMethod,
  FingerprintFilter,
  LineFilter,
  MAX_CANARIES,
  MIN_CANARIES,
  ROWS_PER_CANARY,
  rowFingerprint,
  splitLastCsvField,
  unescapeCopyText,
  type CanaryColumn,
} from './export.rules.js';
import { exoticText, jsonKeyOrder, maskText, sqlLiteral, sqlString } from './export.sql.js';

function auth(userRoles: string[], orgId = 'subj'): AuthContext {
  return {
    user: { id: 'u', login: 'u', name: 'u', orgId, roles: userRoles },
    org: { id: orgId, name: 'org', uscc: null, kind: 'organization', regionCode: '460000', roles: ['public_institution'] },
    roles: userRoles,
    via: 'session',
    apiKeyId: null,
  } as unknown as AuthContext;
}
const mac = (d: string) => sm3(`key:${d}`);

describe('who exports, and by which method', () => {
  it("the subject org's clerk, data officer or org admin; not another org, not other roles", () => {
    for (const r of ['clerk', 'data_officer', 'org_admin']) expect(canExport(auth([r]), { subject_org_id: 'subj' })).toBe(true);
    expect(canExport(auth(['clerk'], 'other'), { subject_org_id: 'subj' })).toBe(false);
    expect(canExport(auth(['auditor']), { subject_org_id: 'subj' })).toBe(false);
  });
  it('batch when the grant names it, else file, else none', () => {
    expect(exportMethod(['api', 'batch'])).toBe('batch');
    expect(exportMethod(['file'])).toBe('file');
    expect(exportMethod(['batch', 'file'])).toBe('batch');
    expect(exportMethod(['api'])).toBeNull();
  });
});

describe('download token', () => {
  const exp = new Date('2026-09-19T02:00:00Z');
  const token = downloadToken(mac, 'x1', exp);
  it('is valid until its expiry, not at it', () => {
    expect(checkDownloadToken(mac, 'x1', token, new Date(exp.getTime() - 1))).toBe('ok');
    expect(checkDownloadToken(mac, 'x1', token, exp)).toBe('expired');
  });
  it('is bound to its export, its expiry and the key', () => {
    expect(checkDownloadToken(mac, 'x2', token, new Date(0))).toBe('invalid');
    const later = token.replace(/^\d+/, String(exp.getTime() + 3_600_000));
    expect(checkDownloadToken(mac, 'x1', later, new Date(0))).toBe('invalid');
    expect(checkDownloadToken((d) => sm3(`other:${d}`), 'x1', token, new Date(0))).toBe('invalid');
    expect(checkDownloadToken(mac, 'x1', 'garbage', new Date(0))).toBe('invalid');
  });
});

describe('canary rows', () => {
  it('a few per file: none when empty, at least the minimum, one more per 5,000 rows, at most the maximum', () => {
    expect(canaryCount(0)).toBe(0);
    expect(canaryCount(1)).toBe(MIN_CANARIES);
    expect(canaryCount(ROWS_PER_CANARY * MIN_CANARIES)).toBe(MIN_CANARIES);
    expect(canaryCount(ROWS_PER_CANARY * MIN_CANARIES + 1)).toBe(MIN_CANARIES + 1);
    expect(canaryCount(10_000_000)).toBe(MAX_CANARIES);
  });

  it('at positions after a real row, ascending, deterministic in the seed', () => {
    const p = canaryPositions('seed-a', 250, 5);
    expect(p).toEqual(canaryPositions('seed-a', 250, 5));
    expect(p).not.toEqual(canaryPositions('seed-b', 250, 5));
    expect([...p].sort((a, b) => a - b)).toEqual(p);
    for (const x of p) expect(x >= 1 && x <= 250).toBe(true);
    expect(canaryPositions('s', 1, 4)).toEqual([1, 1, 1, 1]);
    expect(canaryPositions('s', 0, 4)).toEqual([]);
  });

  const columns: CanaryColumn[] = [
    { name: 'id_number', type: 'string', piiKind: 'id_number' },
    { name: 'name', type: 'string', piiKind: 'name' },
    { name: 'mobile', type: 'string', piiKind: 'mobile' },
    { name: 'company', type: 'string', piiKind: 'uscc' },
    { name: 'region', type: 'string', piiKind: 'region_code' },
    { name: 'household', type: 'integer' },
    { name: 'income', type: 'number' },
    { name: 'active', type: 'boolean' },
    { name: 'note', type: 'string' },
  ];
  const template = { id_number: '46010519900307001X', name: '王小明', mobile: '13900000001', company: synthUscc('460100', 1), region: '460105', household: 3, income: 1001.5, active: true, note: null };

  it('is plausible: valid ID number and credit code of the same region and birth date, same mobile prefix and surname', () => {
    for (let j = 0; j < 20; j++) {
      const c = canaryRow(`seed${j}`, j, template, columns);
      const id = String(c.id_number);
      expect(id.slice(0, 14)).toBe('46010519900307');
      expect(id).not.toBe(template.id_number);
      expect(idNumberCheckChar(id.slice(0, 17))).toBe(id[17]);
      const uscc = String(c.company);
      expect(uscc.slice(0, 8)).toBe('91460100');
      expect(uscc).not.toBe(template.company);
      expect(usccCheckChar(uscc.slice(0, 17))).toBe(uscc[17]);
      expect(String(c.mobile)).toMatch(/^139\d{8}$/);
      expect(String(c.name)[0]).toBe('王');
      expect(typeof c.income).toBe('number');
      expect(c.income).not.toBe(template.income);
      expect(Math.abs(Number(c.income) - 1001.5)).toBeLessThanOrEqual(1001.5 * 0.1 + 0.01);
      expect(c).toMatchObject({ region: '460105', household: 3, active: true, note: null });
    }
  });

  it('is deterministic in seed and ordinal, and differs between exports', () => {
    expect(canaryRow('s', 0, template, columns)).toEqual(canaryRow('s', 0, template, columns));
    expect(rowFingerprint(canaryRow('s', 0, template, columns))).not.toBe(rowFingerprint(canaryRow('t', 0, template, columns)));
    expect(rowFingerprint(canaryRow('s', 0, template, columns))).not.toBe(rowFingerprint(canaryRow('s', 1, template, columns)));
  });
});

describe('row fingerprint', () => {
  it('is the same for a row as CSV text and as NDJSON values, in any field order', () => {
    const ndjson = { a: 'x', n: 1001.5, b: true, z: null };
    const csv = { z: '', b: 'true', n: '1001.5', a: 'x' };
    expect(rowFingerprint(ndjson)).toBe(rowFingerprint(csv));
  });
  it('changes with any value or field name', () => {
    const r = { a: 'x', n: '1' };
    expect(rowFingerprint(r)).not.toBe(rowFingerprint({ a: 'x', n: '2' }));
    expect(rowFingerprint(r)).not.toBe(rowFingerprint({ a: 'x', m: '1' }));
  });
});

describe('fingerprint filter', () => {
  it('never misses a fingerprint it was given, and rarely claims one it was not', () => {
    const f = new FingerprintFilter(1000);
    const given = Array.from({ length: 1000 }, (_, i) => sm3(`row${i}`));
    for (const g of given) f.add(g);
    for (const g of given) expect(f.mayHave(g)).toBe(true);
    const false_ = Array.from({ length: 1000 }, (_, i) => sm3(`other${i}`)).filter((x) => f.mayHave(x)).length;
    expect(false_).toBeLessThan(20);
  });
});

describe('line filter (the stream path)', () => {
  const line = (s: string) => Buffer.from(s);
  it('never misses a line it was given, and rarely claims one it was not', () => {
    const f = new LineFilter(5000);
    const given = Array.from({ length: 5000 }, (_, i) => line(`46010519900307${String(i).padStart(4, '0')},居民${i},139****${i}\n`));
    for (const g of given) f.add(g);
    for (const g of given) expect(f.mayHave(g)).toBe(true);
    const others = Array.from({ length: 5000 }, (_, i) => line(`46010519900307${String(i).padStart(4, '0')},居民${i},139****${i + 1}\n`));
    expect(others.filter((x) => f.mayHave(x)).length).toBeLessThan(50);
  });
  it('hashes a line within a larger buffer as the line alone', () => {
    const f = new LineFilter(10);
    const buf = line('a,b\nc,"d,e"\nf\n');
    f.add(buf, 4, 12);
    expect(f.mayHave(line('c,"d,e"\n'))).toBe(true);
    expect(f.mayHave(line('a,b\n'))).toBe(false);
  });
  it('reads an NDJSON null as empty text, as the row fingerprint does', () => {
    const f = new LineFilter(10);
    f.add(line('{"a":null,"b":"x"}\n'));
    expect(f.mayHave(line('{"a":"","b":"x"}\n'))).toBe(true);
    expect(f.mayHave(line('{"a":"y","b":"x"}\n'))).toBe(false);
  });
});

describe('COPY text output', () => {
  it('unescapes the backslash and the six control characters COPY escapes, nothing else', () => {
    const escaped = Buffer.from('a\\\\b\\nc\\rd\\te\\bf\\fg\\vh\u0001"é😀');
    expect(unescapeCopyText(escaped).toString()).toBe('a\\b\nc\rd\te\bf\fg\vh\u0001"é😀');
    expect(unescapeCopyText(Buffer.from('plain,"x"')).toString()).toBe('plain,"x"');
  });
});

describe('a CSV row cut before its last field', () => {
  it('takes the last field, quoted or not, with its quotes undoubled', () => {
    expect(splitLastCsvField('a,"b,c",d')).toEqual({ before: 'a,"b,c",', value: 'd' });
    expect(splitLastCsvField('a,"x ""y""\n\u001f[""1"",null]"')).toEqual({ before: 'a,', value: 'x "y"\n\u001f["1",null]' });
    expect(splitLastCsvField('a,b,')).toEqual({ before: 'a,b,', value: '' });
    expect(splitLastCsvField('only')).toEqual({ before: '', value: 'only' });
  });
});

describe('the export statement', () => {
  it('writes literals that survive quotes and backslashes, cast to the column type', () => {
    expect(sqlString("it's \\ fine")).toBe("E'it''s \\\\ fine'");
    expect(sqlLiteral(5, 'integer')).toBe("E'5'::bigint");
    expect(sqlLiteral(true, 'boolean')).toBe("E'true'::boolean");
    expect(() => sqlString('a\u0000b')).toThrow();
  });
  it('masks by the kind’s head and tail', () => {
    expect(maskText('id_number', 'v')).toContain("WHEN char_length(v) > 10 THEN left(v, 6) || repeat('*', char_length(v) - 10) || right(v, 4) ");
    expect(maskText('name', 'v')).toContain("WHEN char_length(v) > 1 THEN left(v, 1) || repeat('*', char_length(v) - 1) WHEN");
    expect(maskText('name', 'v')).not.toContain('right(');
  });
  it('puts integer-like keys first, as JSON.stringify does', () => {
    expect(jsonKeyOrder(['b', '2024', 'a', '7'])).toEqual(['7', '2024', 'b', 'a']);
  });
  it('sends numerics outside 1e-4…1e15 and dates outside the years 1–9999 to the page path', () => {
    const t = exoticText([
      { name: 'n', type: 'number', inTable: true, mask: null },
      { name: 'd', type: 'date', inTable: true, mask: null },
      { name: 's', type: 'string', inTable: true, mask: 'name' },
      { name: 'x', type: 'number', inTable: false, mask: null },
    ]);
    expect(t).toContain('abs("n") < 0.0001 OR abs("n") >= 1e15');
    expect(t).toContain(`"d" >= '10000-01-01'::date`);
    expect(t).not.toContain('"x"');
    expect(exoticText([{ name: 's', type: 'string', inTable: true, mask: null }])).toBeNull();
  });
});
