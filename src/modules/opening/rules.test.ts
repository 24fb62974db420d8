/** The open data portal's pure rules, at their edges. */
import { describe, expect, it } from 'vitest';
import { checkTerms, ckanTime, CkanError, nameRank, parseResourceId, parseSolr, parseSort, passesTerms, resourceId, sortPackages, type IndexedPackage } from './ckan.js';
import {
  applyFilters,
  csvCell,
  csvLine,
  datasetCodeOf,
  downloadFileName,
  escapeHtml,
  facetsFromCounts,
  facetsOf,
  injectPageMeta,
  limitFor,
  monthsBetween,
  qualityPercent,
  rateLimitMessage,
  sortCandidates,
  staticPageMeta,
  summaryOf,
  usageByMonth,
  type Candidate,
} from './rules.js';
import { ckanNameOf } from './service.js';

const cand = (over: Partial<Candidate>): Candidate => ({
  entryId: over.code ?? 'x',
  code: 'C',
  providerId: 'p1',
  providerName: '甲单位',
  name: '数据',
  domain: '交通',
  openAttr: 'unconditional',
  updateFrequency: 'daily',
  priorityAreas: [],
  publishedAt: new Date('2026-01-01T00:00:00Z'),
  loadedAt: null,
  rows: null,
  downloads: 0,
  apiCalls: 0,
  score: 0,
  ...over,
});

const A = cand({ code: 'A', providerId: 'p1', domain: '交通', openAttr: 'unconditional', rows: 10, downloads: 5, apiCalls: 1, publishedAt: new Date('2026-03-01T00:00:00Z'), loadedAt: new Date('2026-06-01T00:00:00Z'), name: '乙' });
const B = cand({ code: 'B', providerId: 'p2', providerName: '乙单位', domain: '交通', openAttr: 'conditional', rows: 3, downloads: 0, apiCalls: 9, publishedAt: new Date('2026-05-01T00:00:00Z'), name: '甲' });
const C = cand({ code: 'C', providerId: 'p1', domain: '旅游', openAttr: 'unconditional', rows: null, publishedAt: new Date('2026-04-01T00:00:00Z'), priorityAreas: ['ecology'], score: 2, name: '丙' });
const ALL = [A, B, C];

describe('filters and facets', () => {
  it('values of one facet are alternatives; facets combine', () => {
    expect(applyFilters(ALL, { provider: ['p1'] }).map((c) => c.code)).toEqual(['A', 'C']);
    expect(applyFilters(ALL, { provider: ['p1', 'p2'], domain: ['交通'] }).map((c) => c.code)).toEqual(['A', 'B']);
    expect(applyFilters(ALL, { openAttr: ['conditional'], domain: ['旅游'] })).toEqual([]);
    expect(applyFilters(ALL, {})).toHaveLength(3);
  });

  it('format keeps only unconditional, loaded entries, in any case of the format name', () => {
    expect(applyFilters(ALL, { format: ['CSV'] }).map((c) => c.code)).toEqual(['A']);
    expect(applyFilters(ALL, { format: ['pdf'] })).toEqual([]);
  });

  it('tags match the domain or a priority area by code or Chinese name, all of them', () => {
    expect(applyFilters(ALL, { tags: ['生态环境'] }).map((c) => c.code)).toEqual(['C']);
    expect(applyFilters(ALL, { tags: ['ecology', '旅游'] }).map((c) => c.code)).toEqual(['C']);
    expect(applyFilters(ALL, { tags: ['ecology', '交通'] })).toEqual([]);
  });

  it('each facet is counted with the other filters only; a chosen value without matches shows 0', () => {
    const f = facetsOf(ALL, { provider: ['p1'], domain: ['水利'] });
    // provider counted over domain=水利: nothing, but the chosen p1 is listed with 0.
    expect(f.provider).toEqual([{ value: 'p1', label: '甲单位', count: 0 }]);
    // domain counted over provider=p1: 交通 1, 旅游 1, and the chosen 水利 0.
    expect(f.domain).toEqual([
      { value: '交通', label: '交通', count: 1 },
      { value: '旅游', label: '旅游', count: 1 },
      { value: '水利', label: '水利', count: 0 },
    ]);
    expect(facetsOf(ALL, {}).openAttr).toEqual([
      { value: 'unconditional', label: '无条件开放', count: 2 },
      { value: 'conditional', label: '有条件开放', count: 1 },
    ]);
  });
});

describe('facets from counts made in SQL', () => {
  it('lists values counted at least once, by count then value, with their labels', () => {
    const f = facetsFromCounts(
      [
        { facet: 'provider', value: 'p2', count: 1, label: '乙单位' },
        { facet: 'provider', value: 'p1', count: 2, label: '甲单位' },
        { facet: 'provider', value: 'p3', count: 0, label: '丙单位' },
        { facet: 'openAttr', value: 'conditional', count: 1, label: '乙单位' },
        { facet: 'openAttr', value: 'unconditional', count: 1, label: '甲单位' },
        { facet: 'updateFrequency', value: 'weekly', count: 3, label: null },
        { facet: 'domain', value: '交通', count: 2, label: '甲单位' },
      ],
      {},
    );
    // A value counted 0 and not chosen is not listed.
    expect(f.provider).toEqual([
      { value: 'p1', label: '甲单位', count: 2 },
      { value: 'p2', label: '乙单位', count: 1 },
    ]);
    expect(f.openAttr).toEqual([
      { value: 'conditional', label: '有条件开放', count: 1 },
      { value: 'unconditional', label: '无条件开放', count: 1 },
    ]);
    expect(f.updateFrequency).toEqual([{ value: 'weekly', label: '每周', count: 3 }]);
    expect(f.domain).toEqual([{ value: '交通', label: '交通', count: 2 }]);
  });

  it('lists chosen values without matches with 0, a provider named only when it has open entries, as facetsOf does', () => {
    const counts = [
      { facet: 'provider', value: 'p1', count: 0, label: '甲单位' },
      { facet: 'domain', value: '交通', count: 1, label: '甲单位' },
      { facet: 'domain', value: '旅游', count: 1, label: '甲单位' },
    ];
    const f = facetsFromCounts(counts, { provider: ['p1', 'p9'], domain: ['水利'], openAttr: ['conditional'] });
    expect(f.provider).toEqual([
      { value: 'p1', label: '甲单位', count: 0 },
      { value: 'p9', label: 'p9', count: 0 },
    ]);
    expect(f.domain).toEqual(facetsOf(ALL, { provider: ['p1'], domain: ['水利'] }).domain);
    expect(f.openAttr).toEqual([{ value: 'conditional', label: '有条件开放', count: 0 }]);
    expect(f.updateFrequency).toEqual([]);
  });
});

describe('sorting', () => {
  const codes = (s: Parameters<typeof sortCandidates>[1]) => sortCandidates(ALL, s).map((c) => c.code);
  it('newest by publication, updated by last load (else publication), popular by use, name, relevance by score', () => {
    expect(codes('newest')).toEqual(['B', 'C', 'A']);
    expect(codes('updated')).toEqual(['A', 'B', 'C']);
    // B: 9 uses; A: 6; C: none.
    expect(codes('popular')).toEqual(['B', 'A', 'C']);
    // By pinyin: 丙 (C), 甲 (B), 乙 (A).
    expect(codes('name')).toEqual(['C', 'B', 'A']);
    expect(codes('relevance')[0]).toBe('C');
  });

  it('ties break by code, so pages are stable', () => {
    const tied = [cand({ code: 'Z' }), cand({ code: 'M' }), cand({ code: 'B2' })];
    expect(sortCandidates(tied, 'popular').map((c) => c.code)).toEqual(['B2', 'M', 'Z']);
  });
});

describe('downloads', () => {
  it('CSV cells are quoted exactly when they hold a comma, quote or line break', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(false)).toBe('false');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('the file name is code + name without characters file systems refuse', () => {
    expect(downloadFileName('460000-X-00001', '企业名录', 'csv')).toBe('460000-X-00001企业名录.csv');
    expect(downloadFileName('C1', 'a/b:c*?"<>|d', 'xlsx')).toBe('C1a_b_c_d.xlsx');
  });
});

describe('usage months', () => {
  it('months between two months, across a year end', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-02')).toEqual(['2026-02']);
    expect(monthsBetween('2026-03', '2026-02')).toEqual([]);
  });

  it('the last 12 months up to today, zeros where nothing was used', () => {
    const m = usageByMonth([{ month: '2026-09', downloads: 2, apiCalls: 3 }, { month: '2025-09', downloads: 9, apiCalls: 9 }], '2026-09-18');
    expect(m).toHaveLength(12);
    expect(m[0]).toEqual({ month: '2025-10', downloads: 0, apiCalls: 0 });
    expect(m[11]).toEqual({ month: '2026-09', downloads: 2, apiCalls: 3 });
    expect(usageByMonth([], '2026-01-05', 2).map((x) => x.month)).toEqual(['2025-12', '2026-01']);
  });
});

describe('rate limits', () => {
  const limits = { anonymousPerMinute: 60, keyPerMinute: 600 };
  it('a key counts against the key limit, an IP against the anonymous one; the message names it', () => {
    expect(limitFor(limits, 'key:abc')).toBe(600);
    expect(limitFor(limits, 'ip:10.0.0.1')).toBe(60);
    expect(rateLimitMessage(limits, 'ip:1', 30)).toContain('每分钟最多 60 次');
    expect(rateLimitMessage(limits, 'ip:1', 30)).toContain('API 密钥每分钟 600 次');
    expect(rateLimitMessage(limits, 'key:1', 5)).toContain('每分钟最多 600 次');
  });
});

describe('page titles and descriptions', () => {
  it('escapes HTML', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('replaces the title and description, or adds them to the head', () => {
    const html = '<html><head><meta name="description" content="old" /><title>Old</title></head><body>$&</body></html>';
    const out = injectPageMeta(html, { title: 'A & B $1', description: 'say "x" $&' });
    expect(out).toBe('<html><head><meta name="description" content="say &quot;x&quot; $&amp;" /><title>A &amp; B $1</title></head><body>$&</body></html>');
    const bare = injectPageMeta('<html><head></head></html>', { title: 'T', description: 'D' });
    expect(bare).toContain('<title>T</title>');
    expect(bare).toContain('<meta name="description" content="D" />');
  });

  it('finds a dataset code in its page path; static pages by path', () => {
    expect(datasetCodeOf('/open/datasets/460000-X-00001')).toBe('460000-X-00001');
    expect(datasetCodeOf('/open/datasets/460000-X-00001/apply')).toBe('460000-X-00001');
    expect(datasetCodeOf('/open/datasets/%E6%B5%8B')).toBe('测');
    expect(datasetCodeOf('/open/datasets/%E6%B5')).toBeNull();
    expect(datasetCodeOf('/open/datasets')).toBeNull();
    expect(staticPageMeta('/open/')?.title).toBe(staticPageMeta('/open')?.title);
    expect(staticPageMeta('/catalog')).toBeNull();
    expect(staticPageMeta('/open/unknown')?.title).toBe('公数 开放平台');
  });

  it('summaries are cut at the limit with an ellipsis, spaces collapsed', () => {
    expect(summaryOf('a  b\n c', 10)).toBe('a b c');
    expect(summaryOf('一二三四五六', 6)).toBe('一二三四五六');
    expect(summaryOf('一二三四五六七', 6)).toBe('一二三四五…');
  });

  it('quality scores as percentages', () => {
    expect(qualityPercent(0.9345)).toBe(93);
    expect(qualityPercent(1)).toBe(100);
    expect(qualityPercent(0)).toBe(0);
    expect(qualityPercent(null)).toBeNull();
  });
});

describe('CKAN', () => {
  it('package names: the code lower-cased to [a-z0-9_-], 2 to 100 characters', () => {
    expect(ckanNameOf('460000-11460000MB00000067-00003')).toBe('460000-11460000mb00000067-00003');
    expect(ckanNameOf('A.B C')).toBe('a-b-c');
    expect(ckanNameOf('x')).toBe('ds-x');
    expect(ckanNameOf('Y'.repeat(150))).toHaveLength(100);
  });

  it('timestamps: UTC without zone, microseconds', () => {
    expect(ckanTime(new Date('2026-09-18T02:00:00.123Z'))).toBe('2026-09-18T02:00:00.123000');
  });

  it('resource ids carry the entry and kind', () => {
    const id = '0d5c0c7e-1111-4222-8333-444455556666';
    expect(parseResourceId(resourceId(id, 'xlsx'))).toEqual({ entryId: id, kind: 'xlsx' });
    expect(parseResourceId(`${id}-pdf`)).toBeNull();
    expect(parseResourceId('nothing')).toBeNull();
  });

  it('Solr terms: fields, quotes, + and -, AND; the rest is text', () => {
    expect(parseSolr('organization:abc AND +res_format:"CSV" -tags:"海 洋" 营业 执照')).toEqual({
      terms: [
        { field: 'organization', value: 'abc', negate: false },
        { field: 'res_format', value: 'CSV', negate: false },
        { field: 'tags', value: '海 洋', negate: true },
      ],
      rest: '营业 执照',
    });
    expect(() => checkTerms([{ field: 'colour', value: 'x', negate: false }])).toThrow(CkanError);
    expect(() => checkTerms([{ field: 'dataset_type', value: 'dataset', negate: false }])).not.toThrow();
  });

  it('terms match case-insensitively; * matches any value; - excludes', () => {
    const p: IndexedPackage = { c: A, organization: 'org-a', formats: ['CSV', 'XLSX', 'JSON'], licenseId: 'other-open' };
    expect(passesTerms(p, [{ field: 'res_format', value: 'csv', negate: false }])).toBe(true);
    expect(passesTerms(p, [{ field: 'res_format', value: 'csv', negate: true }])).toBe(false);
    expect(passesTerms(p, [{ field: 'organization', value: '*', negate: false }])).toBe(true);
    expect(passesTerms(p, [{ field: 'organization', value: 'org-b', negate: false }])).toBe(false);
  });

  it('sort specs: the default, directions, and errors on unknown fields or directions', () => {
    expect(parseSort(undefined)).toEqual([{ key: 'score', desc: true }, { key: 'metadata_modified', desc: true }]);
    expect(parseSort('name')).toEqual([{ key: 'name', desc: false }]);
    expect(() => parseSort('colour asc')).toThrow(CkanError);
    expect(() => parseSort('name up')).toThrow(CkanError);
    const ps: IndexedPackage[] = ALL.map((c) => ({ c, organization: 'o', formats: [], licenseId: 'x' }));
    expect(sortPackages(ps, parseSort('metadata_modified desc')).map((x) => x.c.code)).toEqual(['A', 'B', 'C']);
    expect(sortPackages(ps, parseSort('metadata_modified asc')).map((x) => x.c.code)).toEqual(['C', 'B', 'A']);
    expect(sortPackages(ps, parseSort('views_recent desc')).map((x) => x.c.code)).toEqual(['B', 'A', 'C']);
  });

  it('ranks package-name characters as Chinese collation orders them: _ before -, digits, letters', () => {
    expect(['a_b', 'a-b', 'a0', 'ab', 'a', 'a-'].sort((x, y) => (nameRank(x) < nameRank(y) ? -1 : 1))).toEqual(['a', 'a_b', 'a-', 'a-b', 'a0', 'ab']);
    expect(['a_b', 'a-b', 'a0', 'ab', 'a', 'a-'].sort((x, y) => x.localeCompare(y, 'zh-CN'))).toEqual(['a', 'a_b', 'a-', 'a-b', 'a0', 'ab']);
    // Byte order differs: - before digits before _.
    expect(['a_b', 'a-b', 'a0'].sort()).toEqual(['a-b', 'a0', 'a_b']);
  });
});
