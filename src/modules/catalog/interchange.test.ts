/**
 * Catalog interchange over HTTP: the DCAT document parsed back as JSON-LD (every published entry,
 * no draft, the EU frequency and access-right IRIs); the XLSX template; importing a good file, a
 * bad file refused as a whole with each problem's sheet, row, column, message and article, and a
 * partial import; the annual-review export parsed back. Files are built with exceljs from the
 * template itself, as an institution fills it in.
 */
import type { LightMyRequestResponse } from 'fastify';
import ExcelJS from 'exceljs';
import jsonld from 'jsonld';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, testEnv, type Client, type TestEnv } from '../../../test/harness.js';
import { DIRECT_IDENTIFIER_KINDS } from '../privacy/anonymity.js';
import { DETECTED_KINDS, DETECTED_KIND_LABELS } from '../privacy/detectors.js';
import { ACCESS_RIGHT_IRI, FREQUENCY_IRI } from './dcat.js';
import { ENTRY_COLUMNS, ITEM_COLUMNS, PII_LABELS, SHEET, XLSX_MIME, cellText, type ImportProblem } from './xlsx.js';

let env: TestEnv;
const db = () => env.k.db.kysely;
const clients = new Map<string, Client>();
const as = (login: string) => {
  const c = clients.get(login);
  if (!c) throw new Error(`not signed in: ${login}`);
  return c;
};
const anon = (url: string) => env.app.inject({ method: 'GET', url });

type ErrorBody = { error: { code: string; message: string; source?: string; details?: { entryRows: number; rejected: ImportProblem[] } } };
const errorOf = (res: LightMyRequestResponse) => (res.json() as ErrorBody).error;
function ok(res: LightMyRequestResponse, status = 200) {
  expect(res.statusCode, res.body).toBe(status);
  return res;
}

const LOGINS = ['gat_clerk', 'gat_officer', 'yshj_reviewer', 'scj_clerk', 'zhangsan', 'auditor_wx'];

beforeAll(async () => {
  env = await testEnv();
  for (const login of LOGINS) clients.set(login, await loginAs(env.app, login));
});

afterAll(async () => {
  await env?.close();
});

// ── Helpers ──

async function loadWorkbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(new Uint8Array(body).buffer);
  return wb;
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}`);
  return ws;
}

const headersOf = (ws: ExcelJS.Worksheet): string[] => {
  const out: string[] = [];
  ws.getRow(1).eachCell((c, i) => (out[i - 1] = cellText(c.value)));
  return out;
};

/** The sheet's data rows as header → text. */
function rowsOf(ws: ExcelJS.Worksheet): Array<Record<string, string>> {
  const headers = headersOf(ws);
  const out: Array<Record<string, string>> = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    out.push(Object.fromEntries(headers.map((h, i) => [h, cellText(row.getCell(i + 1).value)])));
  });
  return out;
}

type Cells = Record<string, string | number>;

/** The template, downloaded and filled in: entry rows and item rows by header, after the example rows. */
async function filledTemplate(entries: Cells[], items: Cells[]): Promise<Buffer> {
  const res = ok(await anon('/api/v1/catalog/import/template'));
  const wb = await loadWorkbook(res.rawPayload);
  const fill = (ws: ExcelJS.Worksheet, rows: Cells[]) => {
    const headers = headersOf(ws);
    rows.forEach((cells, i) => {
      const row = ws.getRow(3 + i);
      for (const [header, value] of Object.entries(cells)) {
        const col = headers.indexOf(header);
        if (col < 0) throw new Error(`no column ${header} in ${ws.name}`);
        row.getCell(col + 1).value = value;
      }
      row.commit();
    });
  };
  fill(sheet(wb, SHEET.entries), entries);
  fill(sheet(wb, SHEET.items), items);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const upload = (c: Client | null, body: Buffer, query = '', type = XLSX_MIME) =>
  env.app.inject({
    method: 'POST',
    url: `/api/v1/catalog/import${query}`,
    headers: { 'content-type': type, ...(c ? { cookie: c.cookie, 'x-csrf-token': c.csrf } : {}) },
    payload: body,
  });

async function entryCount(): Promise<number> {
  const r = await db().selectFrom('catalog_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

async function importEvents(): Promise<number> {
  const r = await db().selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'catalog.import').executeTakeFirstOrThrow();
  return Number(r.n);
}

/** A good entry row: conditional share, not open (personal information), in operation. */
const goodEntry = (ref: string, name: string): Cells => ({
  序号: ref,
  目录名称: name,
  目录摘要: `${name}（导入测试）`,
  数据格式: '结构化表格',
  数据分类: '人口',
  数据分级: '重要数据',
  更新频率: '每周',
  提供方式: '接口调用、批量导出',
  共享属性: '有条件共享',
  共享范围: '省内各级政务部门履行法定职责',
  共享使用条件: '仅用于政务服务办理',
  开放属性: '不予开放',
  不予开放理由: '涉及个人信息',
  授权运营属性: '否',
  使用条件: '按共享申请批准的范围和期限使用',
  保密风险评估结论: '不涉及国家秘密',
  个人信息保护影响评估结论: '个人信息按重要数据处理',
  评估日期: '2026-08-15',
});

const goodItems = (ref: string): Cells[] => [
  { 目录序号: ref, 字段名: 'id_number', 中文名称: '公民身份号码', 数据类型: '字符串', 必填: '是', 主键: '是', 个人信息类型: '身份证件号码' },
  { 目录序号: ref, 字段名: 'visit_date', 中文名称: '登记日期', 数据类型: '日期' },
];

// ── DCAT ──

interface ExpandedNode {
  '@id'?: string;
  '@type'?: string[];
  [iri: string]: unknown;
}
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const FOAF = 'http://xmlns.com/foaf/0.1/';
const CSVW = 'http://www.w3.org/ns/csvw#';

const values = (node: ExpandedNode, iri: string) => (node[iri] ?? []) as Array<{ '@id'?: string; '@value'?: unknown; '@language'?: string }>;
const firstValue = (node: ExpandedNode, iri: string) => values(node, iri)[0]?.['@value'];
const firstId = (node: ExpandedNode, iri: string) => values(node, iri)[0]?.['@id'];

async function dcatGraph(): Promise<{ catalog: ExpandedNode; datasets: Map<string, ExpandedNode>; byId: Map<string, ExpandedNode> }> {
  const res = ok(await anon('/api/v1/catalog/dcat'));
  expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
  // Flattening needs no network: the context is inline.
  const flat = (await jsonld.flatten(res.json())) as unknown as ExpandedNode[];
  const byId = new Map(flat.flatMap((n) => (n['@id'] ? [[n['@id'], n] as const] : [])));
  const catalogs = flat.filter((n) => n['@type']?.includes(`${DCAT}Catalog`));
  expect(catalogs).toHaveLength(1);
  const datasets = new Map<string, ExpandedNode>();
  for (const n of flat.filter((x) => x['@type']?.includes(`${DCAT}Dataset`))) datasets.set(String(firstValue(n, `${DCT}identifier`)), n);
  return { catalog: catalogs[0] as ExpandedNode, datasets, byId };
}

describe('GET /api/v1/catalog/dcat', () => {
  it('serves the published catalog without login as JSON-LD with DCAT-AP terms, parsed back by a JSON-LD processor', async () => {
    const res = ok(await anon('/api/v1/catalog/dcat?format=jsonld'));
    const doc = res.json() as { '@context': Record<string, string> };
    expect(doc['@context']).toMatchObject({ dcat: DCAT, dct: DCT, foaf: FOAF, vcard: 'http://www.w3.org/2006/vcard/ns#', dcatap: 'http://data.europa.eu/r5r/', xsd: 'http://www.w3.org/2001/XMLSchema#' });

    const { catalog, datasets, byId } = await dcatGraph();
    expect(values(catalog, `${DCT}title`)[0]).toEqual({ '@value': '海南省公共数据目录', '@language': 'zh' });
    expect(firstId(catalog, `${FOAF}homepage`)).toMatch(/^http:\/\/localhost(:\d+)?\/$/);
    expect(firstValue(catalog, `${DCT}modified`)).toMatch(/^2026-/);
    const publisher = byId.get(String(firstId(catalog, `${DCT}publisher`)));
    expect(publisher && firstValue(publisher, `${FOAF}name`)).toBe('海南省营商环境建设厅');

    // Exactly the entries with a version in force; no draft, submitted or returned one.
    const published = await db()
      .selectFrom('catalog_entries as e')
      .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
      .select(['e.code', 'v.update_frequency', 'v.open_attr', 'v.provision_methods', 'v.fields', 'v.name', 'v.category'])
      .execute();
    const unpublished = await db().selectFrom('catalog_entries').select('code').where('published_version', 'is', null).execute();
    expect(published.length).toBeGreaterThan(20);
    expect(unpublished.length).toBeGreaterThan(0);
    expect([...datasets.keys()].sort()).toEqual(published.map((p) => p.code).sort());
    for (const u of unpublished) expect(datasets.has(u.code)).toBe(false);

    for (const p of published) {
      const d = datasets.get(p.code);
      if (!d) throw new Error(`missing ${p.code}`);
      expect(values(d, `${DCT}title`)[0]).toEqual({ '@value': p.name, '@language': 'zh' });
      expect(firstId(d, `${DCT}accrualPeriodicity`)).toBe(FREQUENCY_IRI[p.update_frequency]);
      expect(firstId(d, `${DCT}accessRights`)).toBe(ACCESS_RIGHT_IRI[p.open_attr]);
      const theme = byId.get(String(firstId(d, `${DCAT}theme`)));
      expect(theme && firstValue(theme, 'http://www.w3.org/2004/02/skos/core#prefLabel')).toBe(p.category);
      const agent = byId.get(String(firstId(d, `${DCT}publisher`)));
      expect(agent?.['@type']).toContain(`${FOAF}Agent`);
      expect(values(d, 'http://data.europa.eu/r5r/applicableLegislation').length).toBeGreaterThan(0);

      // One distribution per provision method; the API one through a data service.
      const dists = values(d, `${DCAT}distribution`).map((x) => byId.get(String(x['@id'])) as ExpandedNode);
      expect(dists).toHaveLength(p.provision_methods.length);
      const withService = dists.filter((x) => values(x, `${DCAT}accessService`).length > 0);
      expect(withService).toHaveLength(p.provision_methods.includes('api') ? 1 : 0);
      for (const x of dists) expect(firstId(x, `${DCT}format`)).toMatch(/^http:\/\/publications\.europa\.eu\/resource\/authority\/file-type\/(JSON|CSV|XLSX)$/);

      // The data items: conformsTo a CSVW schema, one column per item with its XSD type.
      const schema = byId.get(String(firstId(d, `${DCT}conformsTo`)));
      if (!schema) throw new Error(`no schema for ${p.code}`);
      expect(schema['@type']).toEqual(expect.arrayContaining([`${DCT}Standard`, `${CSVW}Schema`]));
      const columns = values(schema, `${CSVW}column`).map((c) => byId.get(String(c['@id'])) ?? (c as ExpandedNode));
      expect(columns.map((c) => firstValue(c, `${CSVW}name`))).toEqual(expect.arrayContaining(p.fields.map((f) => f.name)));
      expect(columns).toHaveLength(p.fields.length);
    }
  });

  it('maps every update frequency and open attribute to the EU authority tables', () => {
    expect(FREQUENCY_IRI).toMatchObject({
      realtime: 'http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT',
      daily: 'http://publications.europa.eu/resource/authority/frequency/DAILY',
      yearly: 'http://publications.europa.eu/resource/authority/frequency/ANNUAL',
      irregular: 'http://publications.europa.eu/resource/authority/frequency/IRREG',
    });
    expect(ACCESS_RIGHT_IRI).toEqual({
      unconditional: 'http://publications.europa.eu/resource/authority/access-right/PUBLIC',
      conditional: 'http://publications.europa.eu/resource/authority/access-right/RESTRICTED',
      none: 'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC',
    });
  });

  it('refuses an unknown format with 400', async () => {
    const res = await anon('/api/v1/catalog/dcat?format=turtle');
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('VALIDATION');
  });
});

// ── Template ──

describe('GET /api/v1/catalog/import/template', () => {
  it('downloads an xlsx with the 目录, 数据项 and 填写说明 sheets, Chinese headers, drop-downs and an example row', async () => {
    const res = ok(await anon('/api/v1/catalog/import/template'));
    expect(res.headers['content-type']).toBe(XLSX_MIME);
    expect(String(res.headers['content-disposition'])).toMatch(/attachment; filename="catalog-import-template\.xlsx"; filename\*=UTF-8''/);
    const wb = await loadWorkbook(res.rawPayload);
    expect(wb.worksheets.map((w) => w.name)).toEqual(expect.arrayContaining([SHEET.entries, SHEET.items, SHEET.notes]));

    const entries = sheet(wb, SHEET.entries);
    expect(headersOf(entries)).toEqual(ENTRY_COLUMNS.map((c) => c.header));
    expect(headersOf(entries)).toEqual(expect.arrayContaining(['目录名称', '共享属性', '共享范围', '不予共享依据', '开放属性', '提供方式', '更新频率', '数据分级']));
    expect(headersOf(sheet(wb, SHEET.items))).toEqual(ITEM_COLUMNS.map((c) => c.header));
    expect(cellText(entries.getRow(2).getCell(1).value)).toBe('示例');

    // The share attribute's drop-down lists the Chinese labels from the hidden 取值 sheet.
    const shareCol = ENTRY_COLUMNS.findIndex((c) => c.key === 'shareAttr') + 1;
    const dv = entries.getRow(3).getCell(shareCol).dataValidation;
    expect(dv.type).toBe('list');
    const ref = /^'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(String(dv.formulae[0]));
    if (!ref) throw new Error(`unexpected formula ${String(dv.formulae[0])}`);
    const options = sheet(wb, String(ref[1]));
    const labels = [];
    for (let r = Number(ref[3]); r <= Number(ref[5]); r++) labels.push(cellText(options.getCell(`${ref[2]}${r}`).value));
    expect(labels).toEqual(['无条件共享', '有条件共享', '不予共享']);

    // The notes explain each column with its rule and article.
    const notes = rowsOf(sheet(wb, SHEET.notes));
    const shareScope = notes.find((n) => n['列'] === '共享范围');
    expect(shareScope?.['依据']).toBe('000 第十三条');
    expect(shareScope?.['是否必填']).toMatch(/有条件共享/);
  });

  it('offers every personal-information kind the privacy module names in the 个人信息类型 drop-down and notes', async () => {
    const wb = await loadWorkbook(ok(await anon('/api/v1/catalog/import/template')).rawPayload);
    const items = sheet(wb, SHEET.items);
    const col = ITEM_COLUMNS.findIndex((c) => c.key === 'piiKind') + 1;
    const dv = items.getRow(3).getCell(col).dataValidation;
    expect(dv.type).toBe('list');
    // An open list: other kinds may be typed, so Excel only informs.
    expect(dv.errorStyle).toBe('information');
    // Excel refuses a validation message over 255 characters.
    expect(String(dv.error).length).toBeLessThanOrEqual(255);
    const ref = /^'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(String(dv.formulae[0]));
    if (!ref) throw new Error(`unexpected formula ${String(dv.formulae[0])}`);
    const options = sheet(wb, String(ref[1]));
    const labels: string[] = [];
    for (let r = Number(ref[3]); r <= Number(ref[5]); r++) labels.push(cellText(options.getCell(`${ref[2]}${r}`).value));

    // Every kind a detector reports, with the detector's label, and every direct identifier.
    for (const kind of DETECTED_KINDS) expect(labels).toContain(DETECTED_KIND_LABELS[kind]);
    for (const kind of DIRECT_IDENTIFIER_KINDS) expect(labels, kind).toContain(PII_LABELS[kind]);
    expect(labels).toEqual(expect.arrayContaining(['手机号码', '固定电话号码', '电子邮箱', '车牌号码', '护照号码', '港澳台通行证号码', '姓名', '地址', '健康信息']));
    expect(labels).toEqual(Object.values(PII_LABELS));
    // One label per kind, so a label reads back as one kind.
    expect(new Set(labels).size).toBe(labels.length);

    const notes = rowsOf(sheet(wb, SHEET.notes)).find((n) => n['工作表'] === SHEET.items && n['列'] === '个人信息类型');
    for (const label of labels) expect(notes?.['取值']).toContain(label);
  });

  it('imports nothing from the template as downloaded: the example rows are skipped', async () => {
    const template = ok(await anon('/api/v1/catalog/import/template')).rawPayload;
    const res = await upload(as('gat_clerk'), template);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).message).toMatch(/没有要导入的目录/);
  });
});

// ── Import ──

describe('POST /api/v1/catalog/import', () => {
  it('creates one draft per row of a good file, with labels mapped back and items attached, and audits it', async () => {
    const before = await entryCount();
    const events = await importEvents();
    const file = await filledTemplate(
      [
        goodEntry('1', '流动人口居住登记信息'),
        {
          序号: '2',
          目录名称: '公安机关办事指南信息',
          数据格式: '文件',
          数据分类: '政务服务',
          数据分级: '一般数据',
          更新频率: '不定期',
          提供方式: '文件下载',
          共享属性: '无条件共享',
          开放属性: '无条件开放',
          授权运营属性: '是',
          重点领域: '营商环境、民生保障',
        },
      ],
      [...goodItems('1'), { 目录序号: '2', 字段名: 'title', 中文名称: '事项名称', 数据类型: '字符串', 必填: '是' }],
    );
    const res = ok(await upload(as('gat_clerk'), file), 201);
    const body = res.json() as { importId: string; partial: boolean; entryRows: number; imported: Array<{ row: number; ref: string; code: string; id: string; name: string }>; rejected: unknown[] };
    expect(body.entryRows).toBe(2);
    expect(body.rejected).toEqual([]);
    expect(body.imported.map((i) => [i.row, i.ref, i.name])).toEqual([
      [3, '1', '流动人口居住登记信息'],
      [4, '2', '公安机关办事指南信息'],
    ]);
    expect(await entryCount()).toBe(before + 2);
    expect(await importEvents()).toBe(events + 1);

    const [first, second] = body.imported;
    if (!first || !second) throw new Error('two imported');
    const v = await db().selectFrom('catalog_versions').selectAll().where('entry_id', '=', first.id).executeTakeFirstOrThrow();
    expect(v).toMatchObject({ status: 'draft', share_attr: 'conditional', open_attr: 'none', not_open_reason: 'personal_info', grade: 'important', update_frequency: 'weekly', operation_attr: false, format: 'table' });
    expect(v.provision_methods).toEqual(['api', 'batch']);
    expect(v.share_conditions).toEqual({ scope: '省内各级政务部门履行法定职责', usage: '仅用于政务服务办理' });
    expect(v.fields).toEqual([
      expect.objectContaining({ name: 'id_number', label: '公民身份号码', type: 'string', required: true, key: true, piiKind: 'id_number', sensitivity: 'important' }),
      expect.objectContaining({ name: 'visit_date', label: '登记日期', type: 'date', required: false, key: false }),
    ]);
    expect(v.assessments).toMatchObject({ secrecyRisk: { done: true, conclusion: '不涉及国家秘密', date: '2026-08-15' } });
    const v2 = await db().selectFrom('catalog_versions').selectAll().where('entry_id', '=', second.id).executeTakeFirstOrThrow();
    expect(v2).toMatchObject({ open_attr: 'unconditional', operation_attr: true, update_frequency: 'irregular', format: 'file' });
    expect(v2.priority_areas).toEqual(['business_environment', 'livelihood']);

    // Each draft has its own event, and the file one summary.
    const created = await db().selectFrom('audit_events').select('object_id').where('action', '=', 'catalog.entry_create').where('object_id', 'in', [first.id, second.id]).execute();
    expect(created).toHaveLength(2);
    const summary = await db().selectFrom('audit_events').select(['details', 'object_id']).where('action', '=', 'catalog.import').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(summary.object_id).toBe(body.importId);
    expect(summary.details).toMatchObject({ partial: false, entryRows: 2, imported: [first.code, second.code], problems: 0 });

    // The imported draft goes through the lifecycle and appears in DCAT once published.
    ok(await as('gat_officer').post(`/api/v1/catalog/entries/${first.id}/submit`));
    expect((await dcatGraph()).datasets.has(first.code)).toBe(false);
    ok(await as('yshj_reviewer').post(`/api/v1/catalog/entries/${first.id}/review`, { decision: 'approve', comment: '同意发布' }));
    const d = (await dcatGraph()).datasets.get(first.code);
    if (!d) throw new Error('published import missing from DCAT');
    expect(firstId(d, `${DCT}accrualPeriodicity`)).toBe('http://publications.europa.eu/resource/authority/frequency/WEEKLY');
    expect(firstId(d, `${DCT}accessRights`)).toBe('http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC');
    expect((await dcatGraph()).datasets.has(second.code)).toBe(false);
  });

  const badFile = () =>
    filledTemplate(
      [
        { ...goodEntry('1', '错误枚举目录'), 共享属性: '部分共享' }, // row 3
        { ...goodEntry('2', ''), 目录名称: '' }, // row 4
        { ...goodEntry('3', '缺少共享范围目录'), 共享范围: '' }, // row 5
        { ...goodEntry('4', '缺少不予共享依据目录'), 共享属性: '不予共享', 共享范围: '', 共享使用条件: '' }, // row 6
        goodEntry('5', '部分导入的好目录'), // row 7
        { ...goodEntry('6', '地方规章作依据目录'), 共享属性: '不予共享', 共享范围: '', 共享使用条件: '', 不予共享依据: '《海南省公共数据管理办法》第五条' }, // row 8
      ],
      [
        ...goodItems('1'),
        ...goodItems('2'),
        ...goodItems('3'),
        ...goodItems('4'),
        ...goodItems('5'),
        { 目录序号: '6', 字段名: 'doc_no', 中文名称: '文号', 数据类型: '文本' }, // row 13
        { 目录序号: '9', 字段名: 'x', 中文名称: '无主字段', 数据类型: '字符串' }, // row 14
      ],
    );

  const expectProblem = (rejected: ImportProblem[], where: Partial<ImportProblem>, message?: RegExp) => {
    const hit = rejected.find((p) => Object.entries(where).every(([k, v]) => p[k as keyof ImportProblem] === v) && (!message || message.test(p.message)));
    expect(hit, `${JSON.stringify(where)} ${String(message)} in ${JSON.stringify(rejected, null, 1)}`).toBeDefined();
  };

  it('refuses a file with bad rows as a whole: 422 with each row, column, reason and article, nothing imported', async () => {
    const before = await entryCount();
    const events = await importEvents();
    const res = await upload(as('gat_clerk'), await badFile());
    expect(res.statusCode, res.body).toBe(422);
    const e = errorOf(res);
    expect(e.code).toBe('IMPORT_REJECTED');
    expect(e.message).toMatch(/未导入任何目录/);
    const rejected = e.details?.rejected ?? [];
    expect(e.details?.entryRows).toBe(6);

    expectProblem(rejected, { sheet: '目录', row: 3, column: '共享属性' }, /“部分共享”不是有效的取值.*无条件共享/);
    expectProblem(rejected, { sheet: '目录', row: 4, column: '目录名称' }, /必填/);
    expectProblem(rejected, { sheet: '目录', row: 5, column: '共享范围', source: '000 第十三条' }, /有条件共享须列明共享范围/);
    expectProblem(rejected, { sheet: '目录', row: 6, column: '不予共享依据', source: '000 第十三条' }, /法律、行政法规或国务院决定/);
    expectProblem(rejected, { sheet: '目录', row: 8, column: '不予共享依据', source: '000 第十三条' }, /地方性法规/);
    expectProblem(rejected, { sheet: '数据项', row: 13, column: '数据类型' }, /“文本”不是有效的取值/);
    expectProblem(rejected, { sheet: '数据项', row: 14, column: '目录序号' }, /没有序号为“9”/);
    // The good row is not reported, and every problem is in reading order.
    expect(rejected.some((p) => p.sheet === '目录' && p.row === 7)).toBe(false);
    expect(rejected.map((p) => p.row)).toEqual(
      [...rejected]
        .sort((a, b) => (a.sheet === b.sheet ? a.row - b.row : a.sheet === '目录' ? -1 : 1))
        .map((p) => p.row),
    );

    expect(await entryCount()).toBe(before);
    expect(await importEvents()).toBe(events);
    const good = await db().selectFrom('catalog_versions').select('id').where('name', '=', '部分导入的好目录').execute();
    expect(good).toHaveLength(0);
  });

  it('with partial=true imports only the good rows and lists the rejected ones', async () => {
    const before = await entryCount();
    const res = ok(await upload(as('gat_clerk'), await badFile(), '?partial=true'), 201);
    const body = res.json() as { partial: boolean; imported: Array<{ row: number; name: string; code: string }>; rejected: ImportProblem[] };
    expect(body.partial).toBe(true);
    expect(body.imported.map((i) => [i.row, i.name])).toEqual([[7, '部分导入的好目录']]);
    expectProblem(body.rejected, { sheet: '目录', row: 5, column: '共享范围', source: '000 第十三条' });
    expectProblem(body.rejected, { sheet: '数据项', row: 14, column: '目录序号' });
    expect(await entryCount()).toBe(before + 1);
    const summary = await db().selectFrom('audit_events').select('details').where('action', '=', 'catalog.import').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(summary.details).toMatchObject({ partial: true, entryRows: 6, imported: [body.imported[0]?.code], rejectedRows: 7 });
  });

  it('reads every personal-information kind back from its label, and the export writes the label again', async () => {
    const kinds = Object.keys(PII_LABELS);
    const name = '个人信息类型全覆盖目录';
    const file = await filledTemplate(
      [goodEntry('1', name)],
      [
        ...kinds.map((kind) => ({ 目录序号: '1', 字段名: `f_${kind}`, 中文名称: `字段${kind}`, 数据类型: '字符串', 个人信息类型: PII_LABELS[kind] ?? '' })),
        // The code itself, the label of earlier templates, and a kind the list does not have.
        { 目录序号: '1', 字段名: 'code_typed', 中文名称: '按代码填写', 数据类型: '字符串', 个人信息类型: 'passport' },
        { 目录序号: '1', 字段名: 'old_label', 中文名称: '旧模板标签', 数据类型: '字符串', 个人信息类型: '电话号码' },
        { 目录序号: '1', 字段名: 'typed_kind', 中文名称: '自填类型', 数据类型: '字符串', 个人信息类型: '宗教信仰' },
      ],
    );
    const res = ok(await upload(as('gat_clerk'), file), 201);
    const [imported] = (res.json() as { imported: Array<{ id: string; code: string }> }).imported;
    if (!imported) throw new Error('one imported');
    const v = await db().selectFrom('catalog_versions').select('fields').where('entry_id', '=', imported.id).executeTakeFirstOrThrow();
    const kindOf = new Map(v.fields.map((f) => [f.name, f.piiKind]));
    for (const kind of kinds) expect(kindOf.get(`f_${kind}`), kind).toBe(kind);
    expect(kindOf.get('code_typed')).toBe('passport');
    expect(kindOf.get('old_label')).toBe('phone');
    expect(kindOf.get('typed_kind')).toBe('宗教信仰');

    // The annual-review export writes each kind as its label, as the template offers it.
    const exported = await loadWorkbook(ok(await as('gat_clerk').get('/api/v1/catalog/export.xlsx')).rawPayload);
    const rows = rowsOf(sheet(exported, SHEET.items)).filter((i) => i['目录编码'] === imported.code);
    const labelOf = new Map(rows.map((r) => [r['字段名'], r['个人信息类型']]));
    for (const kind of kinds) expect(labelOf.get(`f_${kind}`), kind).toBe(PII_LABELS[kind]);
    expect(labelOf.get('old_label')).toBe(PII_LABELS.phone);
    expect(labelOf.get('typed_kind')).toBe('宗教信仰');
  });

  it('reports a rule broken by a data item on its 数据项 row, with the article', async () => {
    const file = await filledTemplate(
      [{ ...goodEntry('1', '降级无理由目录'), 开放属性: '无条件开放', 不予开放理由: '', 开放保障措施: '已脱敏处理' }],
      [{ 目录序号: '1', 字段名: 'phone', 中文名称: '联系电话', 数据类型: '字符串', 个人信息类型: '电话号码', 敏感级别: '一般' }],
    );
    const res = await upload(as('gat_clerk'), file);
    expect(res.statusCode, res.body).toBe(422);
    expectProblem(errorOf(res).details?.rejected ?? [], { sheet: '数据项', row: 3, column: '降级理由', source: 'GB/T 43697-2024' }, /降为一般须说明理由/);
  });

  it('refuses core data that is open or in authorized operation, citing 000 第十九条 and 第二十七条 in the spreadsheet’s words', async () => {
    const file = await filledTemplate([{ ...goodEntry('1', '核心数据开放目录'), 数据分级: '核心数据', 开放属性: '无条件开放', 不予开放理由: '', 开放保障措施: '已脱敏处理', 授权运营属性: '是' }], goodItems('1'));
    const res = await upload(as('gat_clerk'), file, '?partial=true');
    expect(res.statusCode, res.body).toBe(422);
    const rejected = errorOf(res).details?.rejected ?? [];
    expectProblem(rejected, { sheet: '目录', row: 3, column: '开放属性', source: '000 第十九条' }, /核心数据不予开放.*须为“不予开放”/);
    expectProblem(rejected, { sheet: '目录', row: 3, column: '授权运营属性', source: '000 第二十七条' }, /须为“否”/);
  });

  it('is refused to anyone who may not draft entries, and to a body that is not an xlsx', async () => {
    const file = await filledTemplate([goodEntry('1', '越权导入目录')], goodItems('1'));
    expect((await upload(null, file)).statusCode).toBe(401);
    for (const login of ['zhangsan', 'yshj_reviewer', 'auditor_wx']) {
      const res = await upload(as(login), file);
      expect(res.statusCode, login).toBe(403);
      expect(errorOf(res).code).toBe('FORBIDDEN');
    }
    const junk = await upload(as('gat_clerk'), Buffer.from('not a spreadsheet'), '', 'application/octet-stream');
    expect(junk.statusCode).toBe(400);
    expect(errorOf(junk).message).toMatch(/不是有效的 XLSX/);
    const json = await as('gat_clerk').post('/api/v1/catalog/import', { name: 'x' });
    expect(json.statusCode).toBe(400);
  });

  it('refuses a workbook without the template columns at once, naming the missing column', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet(SHEET.entries).addRow(['序号', '名称']);
    wb.addWorksheet(SHEET.items).addRow(ITEM_COLUMNS.map((c) => c.header));
    const res = await upload(as('gat_clerk'), Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode).toBe(422);
    expectProblem(errorOf(res).details?.rejected ?? [], { sheet: '目录', row: 1, column: '目录名称' }, /缺少必填列/);
  });
});

// ── Export ──

describe('GET /api/v1/catalog/export.xlsx', () => {
  it('needs a signed-in user', async () => {
    expect((await anon('/api/v1/catalog/export.xlsx')).statusCode).toBe(401);
  });

  it('exports every published entry plus the caller’s own drafts, in Chinese, with items on a second sheet', async () => {
    const res = ok(await as('gat_clerk').get('/api/v1/catalog/export.xlsx'));
    expect(res.headers['content-type']).toBe(XLSX_MIME);
    const wb = await loadWorkbook(res.rawPayload);
    const entries = sheet(wb, SHEET.entries);
    expect(entries.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(entries.autoFilter).toBeTruthy();
    expect(entries.getColumn(2).width).toBeGreaterThan(20);
    const rows = rowsOf(entries);

    const gat = await db().selectFrom('orgs').select('id').where('name', '=', '海南省公安厅').executeTakeFirstOrThrow();
    const visible = await db()
      .selectFrom('catalog_versions as v')
      .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
      .select(['e.code', 'v.version', 'v.status', 'e.provider_org_id'])
      .where((eb) => eb.or([eb('v.status', '=', 'published'), eb.and([eb('e.provider_org_id', '=', gat.id), eb('v.status', 'in', ['draft', 'submitted', 'returned'])])]))
      .execute();
    expect(rows.map((r) => `${r['目录编码']}#${r['版本']}`).sort()).toEqual(visible.map((v) => `${v.code}#${v.version}`).sort());
    const hidden = await db()
      .selectFrom('catalog_versions as v')
      .innerJoin('catalog_entries as e', 'e.id', 'v.entry_id')
      .select(['e.code', 'v.version'])
      .where('v.status', 'in', ['draft', 'submitted', 'returned'])
      .where('e.provider_org_id', '!=', gat.id)
      .execute();
    expect(hidden.length).toBeGreaterThan(0);
    for (const h of hidden) expect(rows.some((r) => r['目录编码'] === h.code && r['版本'] === String(h.version))).toBe(false);

    // Attributes in Chinese.
    for (const r of rows) {
      expect(['无条件共享', '有条件共享', '不予共享']).toContain(r['共享属性']);
      expect(['无条件开放', '有条件开放', '不予开放']).toContain(r['开放属性']);
      expect(['一般数据', '重要数据', '核心数据']).toContain(r['数据分级']);
      expect(['是', '否']).toContain(r['授权运营属性']);
      expect(['已发布', '草稿', '待审核', '已退回']).toContain(r['状态']);
    }
    const imported = rows.find((r) => r['目录名称'] === '流动人口居住登记信息');
    expect(imported).toMatchObject({ 状态: '已发布', 更新频率: '每周', 提供方式: '接口调用、批量导出', 不予开放理由: '涉及个人信息', 提供单位: '海南省公安厅' });

    // Data items on the second sheet, linked by 目录序号 and 目录编码.
    const items = rowsOf(sheet(wb, SHEET.items));
    const mine = items.filter((i) => i['目录编码'] === imported?.['目录编码']);
    expect(mine.map((i) => [i['目录序号'], i['字段名'], i['数据类型'], i['个人信息类型']])).toEqual([
      [imported?.['序号'], 'id_number', '字符串', '身份证件号码'],
      [imported?.['序号'], 'visit_date', '日期', ''],
    ]);
  });

  it('gives the sharing authority the versions submitted for its review as well', async () => {
    const res = ok(await as('yshj_reviewer').get('/api/v1/catalog/export.xlsx'));
    const rows = rowsOf(sheet(await loadWorkbook(res.rawPayload), SHEET.entries));
    const submitted = await db().selectFrom('catalog_versions').select('name').where('status', '=', 'submitted').execute();
    expect(submitted.length).toBeGreaterThan(0);
    for (const v of submitted) expect(rows.some((r) => r['目录名称'] === v.name && r['状态'] === '待审核')).toBe(true);
    expect(rows.some((r) => r['状态'] === '草稿' || r['状态'] === '已退回')).toBe(false);
  });

  it('shows another institution only the published entries, and can be imported back', async () => {
    const res = ok(await as('scj_clerk').get('/api/v1/catalog/export.xlsx'));
    const rows = rowsOf(sheet(await loadWorkbook(res.rawPayload), SHEET.entries));
    expect(rows.some((r) => r['目录名称'] === '部分导入的好目录')).toBe(false); // gat's draft
    expect(rows.some((r) => r['目录名称'] === '流动人口居住登记信息')).toBe(true); // published

    // The export's columns are the template's plus a few: the file imports again as drafts.
    const before = await entryCount();
    const back = ok(await upload(as('scj_clerk'), res.rawPayload), 201);
    expect((back.json() as { imported: unknown[] }).imported).toHaveLength(rows.length);
    expect(await entryCount()).toBe(before + rows.length);
  });
});
