/**
 * The catalog's spreadsheets: the template institutions fill in to register many entries at once,
 * its parser (Chinese labels back to values, every problem located by sheet, row and column), and
 * the annual-review export. Pure workbook work: no database, no permissions (see interchange.ts).
 *
 * One column list (`ENTRY_COLUMNS`, `ITEM_COLUMNS`) drives the template's headers, drop-downs and
 * notes, the parser and the export, so the three cannot drift apart; an exported file can be
 * edited and imported again (the export's extra columns are ignored on import).
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../../kernel/errors.js';
import { DIRECT_IDENTIFIER_LABELS } from '../privacy/anonymity.js';
import { DETECTED_KIND_LABELS } from '../privacy/detectors.js';
import {
  ART,
  FORMATS,
  NOT_OPEN_REASONS,
  OPEN_SAFEGUARDS,
  PRIORITY_AREAS,
  type EntryInput,
  type ProvisionMethod,
  type UpdateFrequency,
} from './model.js';
import type { Attr, CatalogField, Grade, VersionStatus } from './tables.js';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const SHEET = { entries: '目录', items: '数据项', notes: '填写说明', options: '取值' } as const;
export type SheetName = (typeof SHEET)[keyof typeof SHEET];

/** The ref (序号) that marks the template's example rows, which are never imported. */
export const EXAMPLE_REF = '示例';
/** At most this many entry rows per file. */
export const MAX_IMPORT_ENTRIES = 2000;
/** At most this many data-item rows per file. */
export const MAX_IMPORT_ITEMS = 50_000;
/** Rows of the template that carry drop-downs (the example row included). */
const TEMPLATE_ROWS = 500;

// ── Chinese labels of the vocabulary ──────────────────────────────────────────────────────────

export const SHARE_LABELS: Record<Attr, string> = { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' };
export const OPEN_LABELS: Record<Attr, string> = { unconditional: '无条件开放', conditional: '有条件开放', none: '不予开放' };
export const GRADE_LABELS: Record<Grade, string> = { general: '一般数据', important: '重要数据', core: '核心数据' };
export const SENSITIVITY_LABELS: Record<Grade, string> = { general: '一般', important: '重要', core: '核心' };
export const FORMAT_LABELS: Record<(typeof FORMATS)[number], string> = { table: '结构化表格', file: '文件', api: '接口服务', spatial: '空间地理数据', other: '其他' };
export const FREQUENCY_LABELS: Record<UpdateFrequency, string> = {
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  yearly: '每年',
  irregular: '不定期',
};
export const METHOD_LABELS: Record<ProvisionMethod, string> = { api: '接口调用', batch: '批量导出', file: '文件下载', sandbox: '平台内分析' };
export const NOT_OPEN_LABELS: Record<(typeof NOT_OPEN_REASONS)[number], string> = {
  state_secret: '涉及国家秘密',
  personal_info: '涉及个人信息',
  commercial_secret: '涉及商业秘密',
  security: '危害国家安全或公共安全',
  law: '法律法规规定不得开放',
  other: '其他',
};
export const SAFEGUARD_LABELS: Record<(typeof OPEN_SAFEGUARDS)[number], string> = { anonymised: '已匿名化处理', desensitised: '已脱敏处理', consent: '已取得权利人同意' };
export const PRIORITY_LABELS: Record<(typeof PRIORITY_AREAS)[number], string> = { industry: '产业发展', ecology: '生态保护', livelihood: '民生保障', business_environment: '营商环境' };
export const FIELD_TYPE_LABELS: Record<CatalogField['type'], string> = { string: '字符串', integer: '整数', number: '数值', boolean: '布尔', date: '日期', datetime: '日期时间' };
/**
 * Personal-information kinds that only describe a data item: no detector recognises them in values
 * and the anonymisation rules do not treat them as direct identifiers.
 */
const DESCRIPTIVE_PII_LABELS: Record<string, string> = {
  health: '健康信息',
  location: '行踪轨迹',
  other: '其他个人信息',
};

/**
 * Personal-information kinds (`piiKind`) the template offers and the import reads: the kinds the
 * privacy detectors report (with their labels), then the direct identifiers the anonymisation rules
 * name, then the descriptive kinds. Derived from the privacy module's vocabulary, so a kind it adds
 * reaches the drop-down, the notes, the import and the export at once. Any other code is accepted
 * as typed.
 */
export const PII_LABELS: Record<string, string> = Object.fromEntries(
  [DETECTED_KIND_LABELS, DIRECT_IDENTIFIER_LABELS, DESCRIPTIVE_PII_LABELS]
    .flatMap((labels) => Object.entries(labels))
    .filter(([kind], i, all) => all.findIndex(([k]) => k === kind) === i),
);
export const STATUS_LABELS: Record<VersionStatus, string> = { draft: '草稿', submitted: '待审核', returned: '已退回', published: '已发布', superseded: '已替代' };
const YES = '是';
const NO = '否';
/** Common categories offered in the drop-down; any other text is accepted. */
const CATEGORY_HINTS = ['人口', '法人', '市场监管', '信用', '自然资源', '不动产', '生态环境', '交通', '社会保障', '卫生健康', '教育', '旅游', '商务', '财税', '政务服务', '公共安全'];

/** A closed list of values and their labels. */
interface Vocab {
  /** Column of the hidden 取值 sheet that holds the drop-down. */
  list: string;
  labels: Record<string, string>;
  /** Several values in one cell, separated by 、 (the drop-down offers every combination). */
  multi?: boolean;
  /** Other values are accepted too (the drop-down only suggests). */
  open?: boolean;
  /** Other spellings people type, normalised (lower case, no spaces) → value. */
  aliases?: Record<string, string>;
}

const V = {
  format: { list: 'format', labels: FORMAT_LABELS },
  category: { list: 'category', labels: Object.fromEntries(CATEGORY_HINTS.map((c) => [c, c])), open: true },
  grade: { list: 'grade', labels: GRADE_LABELS, aliases: { 一般: 'general', 重要: 'important', 核心: 'core' } },
  frequency: { list: 'frequency', labels: FREQUENCY_LABELS, aliases: { 每天: 'daily', 每季: 'quarterly', 每年度: 'yearly', 实时更新: 'realtime' } },
  methods: { list: 'methods', labels: METHOD_LABELS, multi: true },
  share: { list: 'share', labels: SHARE_LABELS },
  open: { list: 'open', labels: OPEN_LABELS },
  notOpen: { list: 'notOpen', labels: NOT_OPEN_LABELS },
  safeguards: { list: 'safeguards', labels: SAFEGUARD_LABELS, multi: true },
  priority: { list: 'priority', labels: PRIORITY_LABELS, multi: true },
  yesNo: { list: 'yesNo', labels: { true: YES, false: NO }, aliases: { y: 'true', yes: 'true', '1': 'true', '√': 'true', n: 'false', no: 'false', '0': 'false', '×': 'false' } },
  fieldType: { list: 'fieldType', labels: FIELD_TYPE_LABELS },
  // 电话号码 was the label of `phone` in earlier templates; files filled from them still import.
  pii: { list: 'pii', labels: PII_LABELS, open: true, aliases: { 电话号码: 'phone' } },
  sensitivity: { list: 'sensitivity', labels: SENSITIVITY_LABELS, aliases: { 一般数据: 'general', 重要数据: 'important', 核心数据: 'core' } },
} satisfies Record<string, Vocab>;

/** One column of a sheet: its header, how to read and explain it, and where its rule comes from. */
export interface ColumnSpec {
  key: string;
  header: string;
  width: number;
  /** `true`: always required; a string: when it is required. */
  required?: true | string;
  vocab?: Vocab;
  note: string;
  source?: string;
  example: string;
}

export const ENTRY_COLUMNS = [
  { key: 'ref', header: '序号', width: 8, required: true, note: '本文件内的行号或编号，不可重复；“数据项”表用它关联本目录。序号为“示例”的行不会导入。', example: EXAMPLE_REF },
  { key: 'name', header: '目录名称', width: 28, required: true, note: '数据资源的名称。', source: ART.fields, example: '企业营业执照信息' },
  { key: 'description', header: '目录摘要', width: 40, note: '数据资源的内容、范围和用途简介。', source: ART.fields, example: '全省市场主体营业执照登记信息。' },
  { key: 'format', header: '数据格式', width: 14, required: true, vocab: V.format, note: '数据的组织形式。', source: ART.fields, example: FORMAT_LABELS.table },
  { key: 'category', header: '数据分类', width: 12, required: true, vocab: V.category, note: '所属领域分类，可从下拉选择，也可填写其他分类。', source: ART.fields, example: '市场监管' },
  { key: 'grade', header: '数据分级', width: 12, required: true, vocab: V.grade, note: '按 GB/T 43697 分为一般、重要、核心数据；核心数据不得开放，不得纳入授权运营。', source: `${ART.grading}; ${ART.operationScope}`, example: GRADE_LABELS.general },
  { key: 'updateFrequency', header: '更新频率', width: 10, required: true, vocab: V.frequency, note: '数据更新的周期。', source: ART.fields, example: FREQUENCY_LABELS.daily },
  { key: 'provisionMethods', header: '提供方式', width: 18, required: true, vocab: V.methods, note: '可多选，用“、”分隔：接口调用、批量导出、文件下载、平台内分析（数据可用不可见）。', source: ART.fields, example: `${METHOD_LABELS.api}、${METHOD_LABELS.batch}` },
  { key: 'shareAttr', header: '共享属性', width: 12, required: true, vocab: V.share, note: '无条件共享、有条件共享或不予共享。', source: ART.shareAttr, example: SHARE_LABELS.conditional },
  { key: 'shareScope', header: '共享范围', width: 28, required: '共享属性为“有条件共享”时必填', note: '有条件共享的数据须写明共享范围。', source: ART.shareAttr, example: '省内各级政务部门履行法定职责' },
  { key: 'shareUsage', header: '共享使用条件', width: 28, required: '共享属性为“有条件共享”时必填', note: '有条件共享的数据须写明使用用途和条件。', source: ART.shareAttr, example: '仅用于政务服务办理和监管执法' },
  { key: 'noShareBasis', header: '不予共享依据', width: 32, required: '共享属性为“不予共享”时必填', note: '须写明理由和依据，依据须为法律、行政法规或国务院决定。', source: ART.shareAttr, example: '' },
  { key: 'openAttr', header: '开放属性', width: 12, required: true, vocab: V.open, note: '无条件开放、有条件开放或不予开放。', source: `${ART.openList}; ${ART.notOpen}`, example: OPEN_LABELS.none },
  { key: 'openConditions', header: '开放条件', width: 28, required: '开放属性为“有条件开放”时应填写', note: '有条件开放的申请条件。', source: ART.openList, example: '' },
  { key: 'openRequirements', header: '开放使用要求', width: 28, note: '有条件开放数据的使用要求。', source: ART.openList, example: '' },
  { key: 'notOpenReason', header: '不予开放理由', width: 18, required: '开放属性为“不予开放”时必填', vocab: V.notOpen, note: '不予开放的情形。', source: ART.notOpen, example: NOT_OPEN_LABELS.commercial_secret },
  { key: 'openSafeguards', header: '开放保障措施', width: 22, vocab: V.safeguards, note: '含个人信息或商业秘密的数据，只有经匿名化、脱敏处理或取得权利人同意后方可开放；可多选，用“、”分隔。', source: ART.notOpen, example: '' },
  { key: 'operationAttr', header: '授权运营属性', width: 12, required: true, vocab: V.yesNo, note: '是否可纳入授权运营；核心数据不得纳入。', source: ART.operationScope, example: YES },
  { key: 'usageConditions', header: '使用条件', width: 28, note: '数据使用的条件和要求。', source: ART.fields, example: '按共享申请批准的范围和期限使用' },
  { key: 'priorityAreas', header: '重点领域', width: 18, vocab: V.priority, note: '正面清单优先开放的领域，可多选，用“、”分隔。', source: ART.openList, example: PRIORITY_LABELS.business_environment },
  { key: 'secrecyRisk', header: '保密风险评估结论', width: 24, note: '提交审核前须完成保密风险评估。', source: ART.assessments, example: '不涉及国家秘密' },
  { key: 'piiImpact', header: '个人信息保护影响评估结论', width: 24, note: '提交审核前须完成个人信息保护影响评估。', source: ART.assessments, example: '不涉及个人信息' },
  { key: 'assessedOn', header: '评估日期', width: 12, note: '两项评估完成的日期，格式 2026-08-15。', source: ART.assessments, example: '2026-08-15' },
] as const satisfies readonly ColumnSpec[];

export const ITEM_COLUMNS = [
  { key: 'entryRef', header: '目录序号', width: 10, required: true, note: '所属目录在“目录”表中的序号；为空时按目录名称关联。', example: EXAMPLE_REF },
  { key: 'entryName', header: '目录名称', width: 24, note: '所属目录的名称，便于阅读；序号为空时用于关联（名称须在本文件内唯一）。', example: '企业营业执照信息' },
  { key: 'name', header: '字段名', width: 16, required: true, note: '字段的英文标识：小写字母开头，只含小写字母、数字和下划线，最长 63 个字符；同一目录内不可重复。', source: ART.fields, example: 'uscc' },
  { key: 'label', header: '中文名称', width: 18, required: true, note: '字段的中文名称。', source: ART.fields, example: '统一社会信用代码' },
  { key: 'type', header: '数据类型', width: 10, required: true, vocab: V.fieldType, note: '字符串、整数、数值、布尔、日期或日期时间。', source: ART.fields, example: FIELD_TYPE_LABELS.string },
  { key: 'required', header: '必填', width: 8, vocab: V.yesNo, note: '该字段每条记录是否必有值，默认“否”。', example: YES },
  { key: 'key', header: '主键', width: 8, vocab: V.yesNo, note: '是否为唯一标识记录的字段，默认“否”。', example: YES },
  { key: 'piiKind', header: '个人信息类型', width: 16, vocab: V.pii, note: '字段含个人信息时填写其类型；不含则留空。含个人信息的目录开放须经匿名化、脱敏处理或取得同意。', source: ART.notOpen, example: '' },
  { key: 'commercialSecret', header: '商业秘密', width: 10, vocab: V.yesNo, note: '字段是否含商业秘密，默认“否”；含商业秘密的目录开放须经脱密处理或取得权利人同意。', source: ART.notOpen, example: NO },
  { key: 'sensitivity', header: '敏感级别', width: 10, vocab: V.sensitivity, note: '含个人信息的字段默认按“重要”处理；降为“一般”须填写降级理由。', source: ART.grading, example: '' },
  { key: 'downgradeReason', header: '降级理由', width: 24, required: '含个人信息的字段敏感级别低于“重要”时必填', note: '含个人信息的字段降级处理的理由。', source: ART.grading, example: '' },
] as const satisfies readonly ColumnSpec[];

type EntryKey = (typeof ENTRY_COLUMNS)[number]['key'];
type ItemKey = (typeof ITEM_COLUMNS)[number]['key'];

const entrySpec = (key: EntryKey): ColumnSpec | undefined => (ENTRY_COLUMNS as readonly ColumnSpec[]).find((c) => c.key === key);
const entryHeader = (key: EntryKey): string => ENTRY_COLUMNS.find((c) => c.key === key)?.header ?? key;
const itemHeader = (key: ItemKey): string => ITEM_COLUMNS.find((c) => c.key === key)?.header ?? key;

// ── Where a problem is ────────────────────────────────────────────────────────────────────────

/** One problem of an import file, located as the user sees it. */
export interface ImportProblem {
  sheet: string;
  /** The spreadsheet row number (1 = the header row). */
  row: number;
  /** The header of the offending column, or null when the problem concerns the whole row. */
  column: string | null;
  message: string;
  /** The article the refusal rests on. */
  source?: string;
}

/** Maps a path of `EntryInput` (as rule errors name it) to the sheet, row and column a user sees. */
export function locateField(path: string, entry: Pick<ParsedEntry, 'row' | 'fieldRows'>): { sheet: string; row: number; column: string | null } {
  const parts = path
    .replace(/\[(\d+)\]/g, '/$1')
    .split(/[./]/)
    .filter(Boolean);
  const [head, second, third] = parts;
  if (head === 'fields') {
    const i = second !== undefined && /^\d+$/.test(second) ? Number(second) : NaN;
    const row = entry.fieldRows[i];
    if (row === undefined) return { sheet: SHEET.entries, row: entry.row, column: null };
    const col = ITEM_COLUMNS.find((c) => c.key === third);
    return { sheet: SHEET.items, row, column: col?.header ?? null };
  }
  const byInputKey: Record<string, EntryKey> = {
    name: 'name',
    description: 'description',
    format: 'format',
    category: 'category',
    grade: 'grade',
    updateFrequency: 'updateFrequency',
    provisionMethods: 'provisionMethods',
    shareAttr: 'shareAttr',
    noShareBasis: 'noShareBasis',
    openAttr: 'openAttr',
    notOpenReason: 'notOpenReason',
    openSafeguards: 'openSafeguards',
    operationAttr: 'operationAttr',
    usageConditions: 'usageConditions',
    priorityAreas: 'priorityAreas',
  };
  let key: EntryKey | undefined = head ? byInputKey[head] : undefined;
  if (head === 'shareConditions') key = second === 'usage' ? 'shareUsage' : 'shareScope';
  if (head === 'openConditions') key = second === 'useRequirements' ? 'openRequirements' : 'openConditions';
  if (head === 'assessments') key = third === 'date' ? 'assessedOn' : second === 'piiImpact' ? 'piiImpact' : 'secrecyRisk';
  return { sheet: SHEET.entries, row: entry.row, column: key ? entryHeader(key) : null };
}

/** The column a refusal without a field path most likely concerns, by the article it cites. */
export function columnForSource(source: string | undefined): string | null {
  switch (source) {
    case ART.shareAttr:
      return entryHeader('shareAttr');
    case ART.notOpen:
    case ART.openList:
      return entryHeader('openAttr');
    case ART.operationScope:
      return entryHeader('operationAttr');
    case ART.grading:
      return entryHeader('grade');
    default:
      return null;
  }
}

// ── Reading ───────────────────────────────────────────────────────────────────────────────────

/** The text of a cell whatever Excel stored (number, date, rich text, formula result, link). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value).trim();
  if ('richText' in value) return value.richText.map((r) => r.text).join('').trim();
  if ('result' in value) return value.result === undefined || (typeof value.result === 'object' && !(value.result instanceof Date)) ? '' : cellText(value.result);
  if ('hyperlink' in value) return String(value.text).trim();
  return '';
}

const normaliseHeader = (h: string) => h.replace(/[*＊\s]/g, '').replace(/[（(].*[）)]$/, '');
const normaliseLabel = (s: string) => s.normalize('NFKC').replace(/\s/g, '').toLowerCase();

/** Values of a vocabulary cell: each label (or the value itself) mapped back, and the parts that are neither. */
function parseVocab(text: string, vocab: Vocab): { values: string[]; unknown: string[] } {
  const parts = vocab.multi ? text.split(/[,，、;；/|\s]+/).filter(Boolean) : [text];
  const values: string[] = [];
  const unknown: string[] = [];
  for (const part of parts) {
    const p = normaliseLabel(part);
    const alias = vocab.aliases?.[p];
    const hit = Object.entries(vocab.labels).find(([value, label]) => normaliseLabel(label) === p || value.toLowerCase() === p)?.[0] ?? alias;
    if (hit) values.push(hit);
    else if (vocab.open) values.push(part.trim());
    else unknown.push(part);
  }
  return { values: [...new Set(values)], unknown };
}

const allowed = (vocab: Vocab) => Object.values(vocab.labels).join('、');

interface SheetRows {
  /** Each non-blank data row: its number and its cells by column key. */
  rows: Array<{ row: number; get: (key: string) => string }>;
  /** Headers of required columns the sheet lacks. */
  missing: string[];
}

function readSheet(ws: ExcelJS.Worksheet, columns: readonly ColumnSpec[], max: number): SheetRows {
  const index = new Map<string, number>();
  ws.getRow(1).eachCell((cell, col) => {
    const h = normaliseHeader(cellText(cell.value));
    const spec = columns.find((c) => normaliseHeader(c.header) === h || c.key === h);
    if (spec && !index.has(spec.key)) index.set(spec.key, col);
  });
  const missing = columns.filter((c) => c.required === true && !index.has(c.key)).map((c) => c.header);
  const rows: SheetRows['rows'] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const get = (key: string) => {
      const col = index.get(key);
      return col === undefined ? '' : cellText(row.getCell(col).value);
    };
    if (columns.every((c) => get(c.key) === '')) return;
    rows.push({ row: n, get });
  });
  if (rows.length > max) throw new AppError('VALIDATION', `“${ws.name}”表有 ${rows.length} 行，超过每个文件 ${max} 行的上限，请分批导入`);
  return { rows, missing };
}

/** One entry row of an import file, with its data items gathered from the 数据项 sheet. */
export interface ParsedEntry {
  row: number;
  ref: string;
  /**
   * The entry as written, labels mapped back to values. When `problems` is not empty it is a best
   * effort — a cell that could not be read keeps its text — used only to report the row's other
   * problems at the same time (the rules check every value, so nothing unread is trusted).
   */
  input: EntryInput;
  /** The 数据项 row of each of `input.fields`, in order. */
  fieldRows: number[];
  /** What is wrong with the row's cells before any rule is applied. */
  problems: ImportProblem[];
}

export interface ParsedImport {
  entries: ParsedEntry[];
  /** Problems that belong to no entry row (data items whose entry is unknown). */
  orphanProblems: ImportProblem[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Reads an import file: every entry row of 目录 with its data items from 数据项, labels mapped back
 * to values. A file without the two sheets or their required columns is refused at once; a cell
 * that cannot be read is a problem of its row. The catalog's rules are applied afterwards by the
 * same code that checks a draft made in the browser.
 */
export async function parseImportWorkbook(file: Buffer): Promise<ParsedImport> {
  const wb = new ExcelJS.Workbook();
  try {
    // A copy as a plain ArrayBuffer: what exceljs's types (and JSZip) take.
    await wb.xlsx.load(new Uint8Array(file).buffer);
  } catch {
    throw new AppError('VALIDATION', '文件不是有效的 XLSX 工作簿，请用“下载导入模板”得到的文件填写后上传');
  }
  const entriesWs = wb.getWorksheet(SHEET.entries);
  const itemsWs = wb.getWorksheet(SHEET.items);
  if (!entriesWs || !itemsWs) {
    const missing = [entriesWs ? null : SHEET.entries, itemsWs ? null : SHEET.items].filter(Boolean);
    throw new AppError('VALIDATION', `工作簿缺少工作表：${missing.join('、')}（请使用导入模板）`);
  }
  const entrySheet = readSheet(entriesWs, ENTRY_COLUMNS, MAX_IMPORT_ENTRIES);
  const itemSheet = readSheet(itemsWs, ITEM_COLUMNS, MAX_IMPORT_ITEMS);
  const headerProblems = [
    ...entrySheet.missing.map((h) => ({ sheet: SHEET.entries, row: 1, column: h, message: `缺少必填列“${h}”（请使用导入模板）` })),
    ...itemSheet.missing.map((h) => ({ sheet: SHEET.items, row: 1, column: h, message: `缺少必填列“${h}”（请使用导入模板）` })),
  ];
  if (headerProblems.length) throw importRejected(headerProblems, 0);

  const entries: ParsedEntry[] = [];
  const byRef = new Map<string, ParsedEntry>();
  const byName = new Map<string, ParsedEntry[]>();
  for (const r of entrySheet.rows) {
    const ref = r.get('ref');
    if (ref === EXAMPLE_REF) continue;
    const e = parseEntryRow(r.row, r.get);
    const first = ref ? byRef.get(ref) : undefined;
    if (first) e.problems.push({ sheet: SHEET.entries, row: r.row, column: entryHeader('ref'), message: `序号“${ref}”与第 ${first.row} 行重复` });
    else if (ref) byRef.set(ref, e);
    if (e.input.name) byName.set(e.input.name, [...(byName.get(e.input.name) ?? []), e]);
    entries.push(e);
  }

  const orphanProblems: ImportProblem[] = [];
  for (const r of itemSheet.rows) {
    const ref = r.get('entryRef');
    const name = r.get('entryName');
    if (ref === EXAMPLE_REF) continue;
    const named = !ref && name ? (byName.get(name) ?? []) : [];
    const owner = ref ? byRef.get(ref) : named.length === 1 ? named[0] : undefined;
    if (!owner) {
      const message = ref
        ? `“目录”表中没有序号为“${ref}”的目录`
        : !name
          ? '必填：所属目录的序号'
          : named.length
            ? `目录名称“${name}”在文件中不唯一，请填写目录序号`
            : `“目录”表中没有名为“${name}”的目录`;
      orphanProblems.push({ sheet: SHEET.items, row: r.row, column: itemHeader(ref || !name ? 'entryRef' : 'entryName'), message });
      continue;
    }
    const { field, problems } = parseItemRow(r.row, r.get);
    owner.problems.push(...problems);
    owner.input.fields.push(field);
    owner.fieldRows.push(r.row);
  }
  return { entries, orphanProblems };
}

function parseEntryRow(row: number, get: (key: string) => string): ParsedEntry {
  const problems: ImportProblem[] = [];
  const at = (key: EntryKey, message: string, source?: string) =>
    problems.push({ sheet: SHEET.entries, row, column: entryHeader(key), message, ...(source ? { source } : {}) });
  /** The cell's values, or its text as written when it holds something else (reported). */
  const read = (key: EntryKey, vocab: Vocab, required: boolean): string[] => {
    const text = get(key);
    if (!text) {
      if (required) at(key, '必填', entrySpec(key)?.source);
      return [];
    }
    const { values, unknown } = parseVocab(text, vocab);
    if (unknown.length) {
      at(key, `“${unknown.join('、')}”不是有效的取值，可选：${allowed(vocab)}${vocab.multi ? '（多项用“、”分隔）' : ''}`);
      return [...values, ...unknown];
    }
    return values;
  };
  const one = (key: EntryKey, vocab: Vocab, required: boolean): string => read(key, vocab, required)[0] ?? '';

  const ref = get('ref');
  if (!ref) at('ref', '必填：本文件内的序号');
  const name = get('name');
  if (!name) at('name', '必填', ART.fields);
  const category = get('category');
  if (!category) at('category', '必填', ART.fields);
  const format = one('format', V.format, true);
  const grade = one('grade', V.grade, true);
  const updateFrequency = one('updateFrequency', V.frequency, true);
  const provisionMethods = read('provisionMethods', V.methods, true);
  const shareAttr = one('shareAttr', V.share, true);
  const openAttr = one('openAttr', V.open, true);
  const notOpenReason = one('notOpenReason', V.notOpen, false);
  const openSafeguards = read('openSafeguards', V.safeguards, false);
  const operation = one('operationAttr', V.yesNo, true);
  const priorityAreas = read('priorityAreas', V.priority, false);
  const assessedOn = get('assessedOn');
  if (assessedOn && !ISO_DATE.test(assessedOn)) at('assessedOn', '日期格式应为 2026-08-15');

  const scope = get('shareScope');
  const usage = get('shareUsage');
  const openConditions = get('openConditions');
  const openRequirements = get('openRequirements');
  const assessment = (conclusion: string) => (conclusion ? { done: true, conclusion, ...(assessedOn && ISO_DATE.test(assessedOn) ? { date: assessedOn } : {}) } : undefined);
  const secrecyRisk = assessment(get('secrecyRisk'));
  const piiImpact = assessment(get('piiImpact'));
  // Values are as read: when a cell could not be read its text stays, the row already has a
  // problem, and the rules (which check every value) report it rather than trust it.
  const input = {
    name,
    description: get('description'),
    format,
    fields: [],
    shareAttr,
    // Passed as written: the rules decide what a conditional share must carry (000 第十三条).
    shareConditions: shareAttr === 'conditional' || scope || usage ? { scope, usage } : null,
    noShareBasis: get('noShareBasis') || null,
    openAttr,
    openConditions: openConditions || openRequirements ? { conditions: openConditions, useRequirements: openRequirements } : null,
    notOpenReason: notOpenReason || null,
    openSafeguards,
    operationAttr: operation === 'true' ? true : operation === 'false' ? false : operation,
    provisionMethods,
    usageConditions: get('usageConditions'),
    updateFrequency,
    category,
    grade,
    priorityAreas,
    assessments: { ...(secrecyRisk ? { secrecyRisk } : {}), ...(piiImpact ? { piiImpact } : {}) },
  } as EntryInput;
  return { row, ref, input, fieldRows: [], problems };
}

function parseItemRow(row: number, get: (key: string) => string): { field: CatalogField; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const read = (key: ItemKey, vocab: Vocab): string => {
    const text = get(key);
    if (!text) return '';
    const { values, unknown } = parseVocab(text, vocab);
    if (unknown.length) problems.push({ sheet: SHEET.items, row, column: itemHeader(key), message: `“${unknown.join('、')}”不是有效的取值，可选：${allowed(vocab)}` });
    return values[0] ?? text;
  };
  const type = read('type', V.fieldType);
  if (!type) problems.push({ sheet: SHEET.items, row, column: itemHeader('type'), message: '必填', source: ART.fields });
  const key = read('key', V.yesNo) === 'true';
  const sensitivity = read('sensitivity', V.sensitivity);
  const downgradeReason = get('downgradeReason');
  const field = {
    name: get('name'),
    label: get('label'),
    type,
    required: read('required', V.yesNo) === 'true' || key,
    key,
    piiKind: read('piiKind', V.pii) || null,
    commercialSecret: read('commercialSecret', V.yesNo) === 'true',
    ...(sensitivity ? { sensitivity } : {}),
    downgradeReason: downgradeReason || null,
  } as CatalogField;
  return { field, problems };
}

/** The refusal of a whole file: 422 with every problem. */
export function importRejected(problems: ImportProblem[], entryRows: number): AppError {
  const rows = new Set(problems.map((p) => `${p.sheet}:${p.row}`)).size;
  return new AppError('IMPORT_REJECTED', `导入文件有 ${problems.length} 处错误（涉及 ${rows} 行），未导入任何目录；请按错误清单修改后重新上传，或选择“仅导入无误的行”`, {
    details: { entryRows, rejected: problems },
  });
}

/** Problems in reading order: 目录 before 数据项, then by row. */
export function sortProblems(problems: ImportProblem[]): ImportProblem[] {
  const order = (s: string) => (s === SHEET.entries ? 0 : s === SHEET.items ? 1 : 2);
  return [...problems].sort((a, b) => order(a.sheet) - order(b.sheet) || a.row - b.row);
}

// ── Writing ───────────────────────────────────────────────────────────────────────────────────

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE6F0FA' } };
const REQUIRED_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFC00000' } };
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true };

function styleHeader(row: ExcelJS.Row, columns: readonly ColumnSpec[]): void {
  row.height = 22;
  columns.forEach((c, i) => {
    const cell = row.getCell(i + 1);
    cell.font = c.required === true ? REQUIRED_FONT : HEADER_FONT;
    cell.fill = HEADER_FILL;
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
  });
}

/** Every non-empty combination of `labels`, in order, joined by 、 (for multi-value drop-downs). */
function combinations(labels: string[]): string[] {
  const out: string[] = [];
  for (let mask = 1; mask < 1 << labels.length; mask++) out.push(labels.filter((_, i) => mask & (1 << i)).join('、'));
  return out.sort((a, b) => a.split('、').length - b.split('、').length);
}

function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

function addDataSheet(wb: ExcelJS.Workbook, name: string, columns: readonly ColumnSpec[], lists: Map<string, string>): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
  styleHeader(ws.getRow(1), columns);
  columns.forEach((c, i) => {
    const rule = [c.required === true ? '必填。' : typeof c.required === 'string' ? `${c.required}。` : '', c.note, c.source ? `依据：${c.source}` : ''].join('');
    ws.getRow(1).getCell(i + 1).note = rule;
  });
  const example = ws.addRow(columns.map((c) => c.example));
  example.font = { italic: true, color: { argb: 'FF808080' } };
  columns.forEach((c, i) => {
    const vocab = 'vocab' in c ? c.vocab : undefined;
    const range = vocab ? lists.get(vocab.list) : undefined;
    if (!vocab || !range) return;
    const validation: ExcelJS.DataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [range],
      showErrorMessage: true,
      // Open vocabularies only suggest; closed ones refuse anything else.
      errorStyle: vocab.open || vocab.multi ? 'information' : 'stop',
      errorTitle: c.header,
      error: `请从下拉列表选择：${allowed(vocab)}`,
      showInputMessage: true,
      promptTitle: c.header,
      prompt: c.note.slice(0, 250),
    };
    for (let r = 2; r <= TEMPLATE_ROWS + 1; r++) ws.getRow(r).getCell(i + 1).dataValidation = validation;
  });
  return ws;
}

/** The import template (目录, 数据项, 填写说明 and the hidden 取值 sheet of the drop-downs). */
export async function buildTemplate(opts: { title: string }): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Gongshu';
  wb.title = opts.title;

  // The drop-downs' lists live on a hidden sheet: list validations cannot hold labels with commas
  // or more than 255 characters inline.
  const lists = new Map<string, string>();
  const optionsWs = wb.addWorksheet(SHEET.options, { state: 'hidden' });
  const vocabs = Object.values(V) as Vocab[];
  vocabs.forEach((vocab, i) => {
    const labels = Object.values(vocab.labels);
    const values = vocab.multi ? combinations(labels) : labels;
    const col = i + 1;
    optionsWs.getRow(1).getCell(col).value = vocab.list;
    values.forEach((v, j) => (optionsWs.getRow(j + 2).getCell(col).value = v));
    const letter = colLetter(col);
    lists.set(vocab.list, `'${SHEET.options}'!$${letter}$2:$${letter}$${values.length + 1}`);
  });

  const entries = addDataSheet(wb, SHEET.entries, ENTRY_COLUMNS, lists);
  const items = addDataSheet(wb, SHEET.items, ITEM_COLUMNS, lists);
  items.addRow(['示例', '企业营业执照信息', 'reg_date', '成立日期', FIELD_TYPE_LABELS.date, NO, NO, '', NO, '', '']).font = { italic: true, color: { argb: 'FF808080' } };

  const notes = wb.addWorksheet(SHEET.notes, { views: [{ state: 'frozen', ySplit: 1 }] });
  notes.columns = [
    { header: '工作表', key: 'sheet', width: 10 },
    { header: '列', key: 'column', width: 22 },
    { header: '是否必填', key: 'required', width: 26 },
    { header: '取值', key: 'values', width: 40 },
    { header: '说明与规则', key: 'note', width: 60 },
    { header: '依据', key: 'source', width: 26 },
  ];
  notes.getRow(1).font = HEADER_FONT;
  notes.getRow(1).fill = HEADER_FILL;
  const describe = (sheet: string, c: ColumnSpec) => {
    const vocab = c.vocab;
    const row = notes.addRow({
      sheet,
      column: c.header,
      required: c.required === true ? '必填' : (c.required ?? '选填'),
      values: vocab ? `${allowed(vocab)}${vocab.multi ? '（可多选，用“、”分隔）' : ''}${vocab.open ? '（也可填写其他值）' : ''}` : '',
      note: c.note,
      source: c.source ?? '',
    });
    row.alignment = { wrapText: true, vertical: 'top' };
  };
  for (const c of ENTRY_COLUMNS) describe(SHEET.entries, c);
  for (const c of ITEM_COLUMNS) describe(SHEET.items, c);
  notes.addRow({});
  for (const line of [
    '一行“目录”对应一个目录；它的数据项在“数据项”表中逐行填写，用“目录序号”关联。序号为“示例”的行不会导入，可保留或删除。',
    '上传后逐行校验：任何一行有误时，默认整个文件都不导入，并列出每处错误的工作表、行号、列名和依据；也可选择“仅导入无误的行”。',
    '导入的目录为草稿，须经本单位数据工作机构负责人签署后提交营商环境建设主管部门审核（000 第六条）。',
  ]) {
    notes.addRow({ sheet: '说明', note: line }).alignment = { wrapText: true, vertical: 'top' };
  }

  // Open on the 目录 sheet.
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: wb.worksheets.indexOf(entries), visibility: 'visible' }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// ── The annual-review export ──────────────────────────────────────────────────────────────────

/** One entry version as the export writes it. */
export interface ExportEntry {
  code: string;
  provider: string;
  region: string;
  version: number;
  status: VersionStatus;
  publishedAt: Date | null;
  updatedAt: Date;
  name: string;
  description: string;
  format: string;
  category: string;
  grade: Grade;
  updateFrequency: string;
  provisionMethods: string[];
  shareAttr: Attr;
  shareConditions: { scope: string; usage: string } | null;
  noShareBasis: string | null;
  openAttr: Attr;
  openConditions: Record<string, unknown> | null;
  notOpenReason: string | null;
  openSafeguards: string[];
  operationAttr: boolean;
  usageConditions: string;
  priorityAreas: string[];
  assessments: Record<string, unknown>;
}

const EXPORT_LEAD = [
  { key: 'ref', header: '序号', width: 8 },
  { key: 'code', header: '目录编码', width: 34 },
  { key: 'provider', header: '提供单位', width: 24 },
  { key: 'region', header: '行政区划', width: 16 },
  { key: 'version', header: '版本', width: 6 },
  { key: 'status', header: '状态', width: 8 },
  { key: 'publishedAt', header: '发布日期', width: 12 },
  { key: 'updatedAt', header: '更新日期', width: 12 },
] as const;

const label = (labels: Record<string, string>, v: string | null | undefined) => (v ? (labels[v] ?? v) : '');
const labelList = (labels: Record<string, string>, vs: readonly string[]) => vs.map((v) => labels[v] ?? v).join('、');
const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const conclusion = (a: unknown): string => (a && typeof a === 'object' && 'conclusion' in a ? text(a.conclusion) : text(a));
const assessedDate = (a: Record<string, unknown>): string => {
  for (const v of Object.values(a)) if (v && typeof v === 'object' && 'date' in v && typeof v.date === 'string') return v.date;
  return '';
};
/** A date as Beijing sees it (exports are read by people in the province). */
const beijingDate = (d: Date | null) => (d ? new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10) : '');

function exportRow(ref: number, e: ExportEntry): Record<string, string | number> {
  const cells: Record<EntryKey, string> = {
    ref: String(ref),
    name: e.name,
    description: e.description,
    format: label(FORMAT_LABELS, e.format),
    category: e.category,
    grade: label(GRADE_LABELS, e.grade),
    updateFrequency: label(FREQUENCY_LABELS, e.updateFrequency),
    provisionMethods: labelList(METHOD_LABELS, e.provisionMethods),
    shareAttr: label(SHARE_LABELS, e.shareAttr),
    shareScope: e.shareConditions?.scope ?? '',
    shareUsage: e.shareConditions?.usage ?? '',
    noShareBasis: e.noShareBasis ?? '',
    openAttr: label(OPEN_LABELS, e.openAttr),
    openConditions: text(e.openConditions?.conditions),
    openRequirements: text(e.openConditions?.useRequirements),
    notOpenReason: label(NOT_OPEN_LABELS, e.notOpenReason),
    openSafeguards: labelList(SAFEGUARD_LABELS, e.openSafeguards),
    operationAttr: e.operationAttr ? YES : NO,
    usageConditions: e.usageConditions,
    priorityAreas: labelList(PRIORITY_LABELS, e.priorityAreas),
    secrecyRisk: conclusion(e.assessments.secrecyRisk),
    piiImpact: conclusion(e.assessments.piiImpact),
    assessedOn: assessedDate(e.assessments),
  };
  return {
    ...cells,
    ref,
    code: e.code,
    provider: e.provider,
    region: e.region,
    version: e.version,
    status: STATUS_LABELS[e.status] ?? e.status,
    publishedAt: beijingDate(e.publishedAt),
    updatedAt: beijingDate(e.updatedAt),
  };
}

function itemRow(ref: number, code: string, entryName: string, f: CatalogField): Record<string, string | number> {
  return {
    entryRef: ref,
    code,
    entryName,
    name: f.name,
    label: f.label,
    type: label(FIELD_TYPE_LABELS, f.type),
    required: f.required || f.key ? YES : NO,
    key: f.key ? YES : NO,
    piiKind: label(PII_LABELS, f.piiKind),
    commercialSecret: f.commercialSecret ? YES : NO,
    sensitivity: label(SENSITIVITY_LABELS, f.sensitivity),
    downgradeReason: f.downgradeReason ?? '',
  };
}

export interface ExportSource {
  /** Batches of entry versions, in the order they are written. */
  entries(): AsyncIterable<Array<ExportEntry & { versionId: string }>>;
  /** The data items of the given versions, batch by batch, in the order given. */
  fields(versionIds: string[]): AsyncIterable<Array<{ versionId: string; fields: CatalogField[] }>>;
}

/**
 * Streams the annual-review workbook: 目录 (one row per entry version, every attribute in Chinese)
 * and 数据项, each with a frozen header, widths and an autofilter. Rows are written as they are
 * read, so a catalog of any size is exported in bounded memory.
 */
export function streamExport(source: ExportSource, opts: { title: string }): PassThrough {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'Gongshu';
  wb.title = opts.title;
  const write = async () => {
    const entryColumns = [...EXPORT_LEAD, ...ENTRY_COLUMNS.filter((c) => c.key !== 'ref')];
    const ws = wb.addWorksheet(SHEET.entries, { views: [{ state: 'frozen', ySplit: 1, xSplit: 3 }] });
    ws.columns = entryColumns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: entryColumns.length } };
    ws.getRow(1).font = HEADER_FONT;
    ws.getRow(1).fill = HEADER_FILL;
    ws.getRow(1).commit();
    const written = new Map<string, { ref: number; code: string; name: string }>();
    for await (const batch of source.entries()) {
      for (const e of batch) {
        const ref = written.size + 1;
        written.set(e.versionId, { ref, code: e.code, name: e.name });
        ws.addRow(exportRow(ref, e)).commit();
      }
    }
    ws.commit();

    const itemColumns = [
      { key: 'entryRef', header: '目录序号', width: 10 },
      { key: 'code', header: '目录编码', width: 34 },
      ...ITEM_COLUMNS.filter((c) => c.key !== 'entryRef'),
    ];
    const items = wb.addWorksheet(SHEET.items, { views: [{ state: 'frozen', ySplit: 1, xSplit: 3 }] });
    items.columns = itemColumns.map((c) => ({ header: c.header, key: c.key, width: c.width }));
    items.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: itemColumns.length } };
    items.getRow(1).font = HEADER_FONT;
    items.getRow(1).fill = HEADER_FILL;
    items.getRow(1).commit();
    for await (const batch of source.fields([...written.keys()])) {
      for (const { versionId, fields } of batch) {
        const e = written.get(versionId);
        if (e) for (const f of fields) items.addRow(itemRow(e.ref, e.code, e.name, f)).commit();
      }
    }
    items.commit();
    await wb.commit();
  };
  write().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return out;
}
