/**
 * The demo province's datasets (issue 4, demo data): deterministic synthetic rows for the
 * published demo entries, each loaded through `receiveLoad` — the same path as an upload, one use
 * case per load, with its validation, report, version, quality score and audit event — as a user
 * of the entry's provider. Rows are generated while they are read (a stream of CSV), never built
 * whole. Values come from a PRNG seeded per dataset; dates count back from the seed day.
 *
 * 企业营业执照信息 is loaded first and registered as the credit-code reference of the
 * consistency score (000 第十条 legal-person base database); the other entries with credit codes
 * are then scored against it. 人口基础信息 carries a small share of ID numbers with a wrong check
 * character, so its error report and validity score are real (and stay under the threshold).
 */
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import type { AuthContext } from '../../kernel/auth.js';
import { beijingIso } from '../../kernel/clock.js';
import { SYSTEM_ACTOR, type Kernel } from '../../kernel/context.js';
import * as identityRepo from '../identity/repo.js';
import { authFromRow } from '../identity/views.js';
import { registerReference } from '../quality/scores.service.js';
import { receiveLoad, type LoadReport } from './service.js';
import { synthIdNumber, synthUscc } from './synth.js';
import type { LoadMode } from './tables.js';

/** One row per 400 of 人口基础信息 has an ID number with a wrong check character (0.25 %). */
export const POPULATION_BAD_EVERY = 400;
/** Enterprises in 企业营业执照信息. */
export const DEMO_ENTERPRISES = 3000;
/** Credit codes in 重点排污单位名录 that are not in the legal-person base data. */
export const UNREGISTERED_POLLUTERS = 6;

export interface DemoDatasetOptions {
  /** Rows of 人口基础信息 (`GONGSHU_DEMO_POPULATION`). */
  population: number;
}

export interface DemoLoad {
  entry: string;
  report: LoadReport;
}

export interface DemoDatasetsResult {
  loads: DemoLoad[];
  /** The credit-code reference registered for the consistency score. */
  reference: { entryId: string; field: string } | null;
  ms: number;
}

// ── Deterministic randomness ──

/** mulberry32: a small seeded PRNG; the same seed gives the same sequence on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `xs[i]` for an index the generators keep in range (a mistake throws rather than yields undefined). */
function at<T>(xs: readonly T[], i: number): T {
  const v = xs[i];
  if (v === undefined) throw new RangeError(`演示数据：下标 ${i} 超出范围`);
  return v;
}
const pick = <T>(r: () => number, xs: readonly T[]): T => at(xs, Math.floor(r() * xs.length));
const int = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const fixed = (v: number, d: number) => v.toFixed(d);

/** Common surnames (the commonest, and Hainan's 符, 邢, 吉, 云, 羊, twice as likely by repetition). */
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何林符邢吉云羊冯蔡韩唐曾梁郑谢罗许苏钟卢潘文莫陆严王陈李黄林符邢吉云羊'];
const GIVEN = [...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国海燕鹏飞晓春梅琳雪婷宇浩然子涵欣怡思雨俊嘉豪诗琪博文雅琴志永福家宝'];
const STREETS = ['海府路', '滨海大道', '国兴大道', '人民大道', '椰海大道', '龙昆南路', '解放路', '文明路', '府城大道', '迎宾路', '三亚湾路', '榆亚路', '新风路', '和平路', '中山路', '兴海路'];
const TRADE_NAMES = ['椰林', '南海', '琼州', '海澄', '万泉', '鹿城', '椰风', '蓝湾', '椰岛', '新港', '琼华', '天涯', '五指', '博鳌', '凤凰', '澄迈', '南山', '金椰', '海韵', '丰源'];
const INDUSTRIES = ['食品', '贸易', '科技', '旅游开发', '物流', '建设工程', '农业开发', '餐饮管理', '酒店管理', '电子商务', '海洋渔业', '医药', '文化传媒', '新能源', '环保科技'];
/** Enterprise types, each with the ending of its name. */
const ENTERPRISE_TYPES: Array<[string, string]> = [
  ['有限责任公司', '有限公司'],
  ['有限责任公司（自然人独资）', '有限公司'],
  ['有限责任公司（外商投资）', '有限公司'],
  ['股份有限公司', '股份有限公司'],
  ['个人独资企业', '商行'],
  ['合伙企业', '企业（有限合伙）'],
];

function personName(r: () => number): string {
  const given = r() < 0.7 ? pick(r, GIVEN) + pick(r, GIVEN) : pick(r, GIVEN);
  return pick(r, SURNAMES) + given;
}

/** `YYYY-MM-DD` of `days` after 1970-01-01 (UTC arithmetic: no time zone involved). */
const isoDay = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);
const dayNo = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);

/** Yields the CSV as chunks of about `batch` lines, generating each row only when it is read. */
function csvStream(header: readonly string[], rows: number, row: (i: number) => ReadonlyArray<string | number | null>, batch = 500): Readable {
  const cell = (v: string | number | null) => {
    if (v === null) return '';
    const s = String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  async function* lines() {
    yield `${header.join(',')}\n`;
    let out = '';
    for (let i = 0; i < rows; i++) {
      out += `${row(i).map(cell).join(',')}\n`;
      if ((i + 1) % batch === 0) {
        yield out;
        out = '';
      }
    }
    if (out) yield out;
  }
  return Readable.from(lines());
}

// ── The datasets ──

interface Place {
  code: string;
  /** Province + city + county, e.g. 海南省海口市秀英区. */
  address: string;
  /** The county's own name, e.g. 秀英区. */
  name: string;
}

/** A load of one demo entry: which file, in which mode. */
interface DemoFile {
  mode: LoadMode;
  header: readonly string[];
  rows: number;
  row: (i: number) => ReadonlyArray<string | number | null>;
}

interface Context {
  /** The seed day (Beijing), from the kernel's clock, and its hour. */
  today: string;
  hour: number;
  places: Place[];
  /** Credit codes of the enterprises in the base data, in order. */
  enterprises: string[];
  population: number;
}

/** 人口基础信息: valid resident ID numbers across the province's counties, genders from digit 17. */
function population(c: Context): DemoFile[] {
  const r = prng(0x5eed_0001);
  const first = dayNo('1935-01-01');
  const span = dayNo(`${Number(c.today.slice(0, 4)) - 1}-12-31`) - first;
  // Rows sharing a county and a sequence number fall in distinct slices of the birth-date range,
  // so every ID number is different (the key of the entry).
  const perSlice = c.places.length * 1000;
  const slices = Math.max(1, Math.ceil(c.population / perSlice));
  const slice = Math.floor(span / slices);
  return [
    {
      mode: 'replace',
      header: ['id_number', 'name', 'gender', 'birth_date', 'address'],
      rows: c.population,
      row: (i) => {
        const place = at(c.places, i % c.places.length);
        const j = Math.floor(i / c.places.length);
        const seq = j % 1000;
        const birth = isoDay(first + Math.floor(j / 1000) * slice + Math.floor(r() * slice));
        let id = synthIdNumber(place.code, birth.replace(/-/g, ''), seq);
        const male = seq % 2 === 1;
        const name = personName(r);
        const address = `${place.address}${pick(r, STREETS)}${int(r, 1, 399)}号`;
        if (i % POPULATION_BAD_EVERY === POPULATION_BAD_EVERY - 1) {
          // A typing error in the check character: the row is rejected and reported.
          const check = id.slice(17);
          id = id.slice(0, 17) + (check === 'X' ? '0' : check === '9' ? 'X' : String(Number(check) + 1));
        }
        return [id, name, male ? '男' : '女', birth, address];
      },
    },
  ];
}

/** 企业营业执照信息: the legal-person base data, valid credit codes. */
function enterprises(c: Context): DemoFile[] {
  const r = prng(0x5eed_0002);
  const first = dayNo('1995-01-01');
  const span = dayNo(c.today) - 30 - first;
  return [
    {
      mode: 'replace',
      header: ['uscc', 'name', 'type', 'legal_rep', 'reg_date', 'reg_capital'],
      rows: c.enterprises.length,
      row: (i) => {
        const place = at(c.places, i % c.places.length);
        const [type, ending] = pick(r, ENTERPRISE_TYPES);
        const name = `${place.name}${pick(r, TRADE_NAMES)}${pick(r, GIVEN)}${pick(r, INDUSTRIES)}${ending}`;
        return [at(c.enterprises, i), name, type, personName(r), isoDay(first + Math.floor(r() * span)), fixed(int(r, 10, 50_000) + int(r, 0, 99) / 100, 2)];
      },
    },
  ];
}

/** Monitoring stations of the air-quality network (HN-AQ-001 …). */
const STATIONS = 12;
const AIR_DAYS = 7;

/** One hourly reading: PM2.5, PM10, O3 and the AQI computed from them (a simple sub-index maximum). */
function reading(r: () => number, hour: number): [string, string, string, number] {
  const diurnal = 1 + 0.35 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
  const pm25 = Math.max(3, 14 * diurnal + (r() - 0.5) * 12);
  const pm10 = pm25 * (1.6 + r() * 0.5);
  const o3 = Math.max(10, 60 + 45 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + (r() - 0.5) * 20);
  const aqi = Math.round(Math.max(pm25 * (50 / 35), pm10 * (50 / 50), o3 * (50 / 160)));
  return [fixed(pm25, 1), fixed(pm10, 1), fixed(o3, 1), aqi];
}

/**
 * 空气质量实时监测数据: hourly readings of each station for the week before the seed day, loaded
 * in full; then the seed day's readings so far as an incremental (upsert) load, so the entry has
 * two versions.
 */
function airQuality(c: Context): DemoFile[] {
  const header = ['station_code', 'measured_at', 'pm25', 'pm10', 'o3', 'aqi'];
  const hourly = (seed: number, fromDay: number): DemoFile['row'] => {
    const r = prng(seed);
    return (i) => {
      const s = i % STATIONS;
      const h = Math.floor(i / STATIONS);
      const hour = h % 24;
      const measuredAt = `${isoDay(fromDay + Math.floor(h / 24))}T${String(hour).padStart(2, '0')}:00:00+08:00`;
      return [`HN-AQ-${String(s + 1).padStart(3, '0')}`, measuredAt, ...reading(r, hour)];
    };
  };
  return [
    { mode: 'replace', header, rows: STATIONS * 24 * AIR_DAYS, row: hourly(0x5eed_0003, dayNo(c.today) - AIR_DAYS) },
    { mode: 'upsert', header, rows: STATIONS * (c.hour + 1), row: hourly(0x5eed_0013, dayNo(c.today)) },
  ];
}

/** The `n` months up to the one before `today`, oldest first, as `YYYY-MM`. */
function lastMonths(today: string, n: number): string[] {
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1; // the month before the current one, 1-based
  const out: string[] = [];
  for (let k = n - 1; k >= 0; k--) {
    const t = y * 12 + (m - 1) - k;
    out.push(`${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

/** Tourist arrivals peak in winter and the Spring Festival, dip in the rainy summer. */
const SEASON = [1.45, 1.5, 1.2, 0.95, 0.8, 0.7, 0.85, 0.9, 0.7, 1.05, 1.15, 1.3];

/** 三亚市旅游接待统计: monthly arrivals (万人次) and revenue (亿元) for three years. */
function tourism(c: Context): DemoFile[] {
  const r = prng(0x5eed_0004);
  const months = lastMonths(c.today, 36);
  return [
    {
      mode: 'replace',
      header: ['month', 'visitors', 'revenue'],
      rows: months.length,
      row: (i) => {
        const month = at(months, i);
        const growth = 1 + 0.08 * (i / 12);
        const visitors = 220 * growth * at(SEASON, Number(month.slice(5, 7)) - 1) * (0.95 + r() * 0.1);
        return [month, fixed(visitors, 2), fixed(visitors * (0.26 + r() * 0.04), 2)];
      },
    },
  ];
}

const DOC_TYPES = ['普通护照', '往来港澳通行证', '往来台湾通行证', '港澳签注', '台湾签注'];

/** 出入境证件办理统计: monthly counts per document type. */
function exitEntry(c: Context): DemoFile[] {
  const r = prng(0x5eed_0005);
  const months = lastMonths(c.today, 12);
  return [
    {
      mode: 'replace',
      header: ['month', 'doc_type', 'count'],
      rows: months.length * DOC_TYPES.length,
      row: (i) => {
        const month = at(months, Math.floor(i / DOC_TYPES.length));
        const type = at(DOC_TYPES, i % DOC_TYPES.length);
        const base = at([9000, 6000, 900, 7000, 600], i % DOC_TYPES.length);
        return [month, type, Math.round(base * at(SEASON, Number(month.slice(5, 7)) - 1) * (0.9 + r() * 0.2))];
      },
    },
  ];
}

const ABNORMAL_REASONS = ['未按规定报送年度报告', '通过登记的住所或者经营场所无法联系', '未按规定公示即时信息', '公示企业信息隐瞒真实情况、弄虚作假'];

/** 企业经营异常名录: a share of the enterprises of the base data (all consistent with it). */
function abnormal(c: Context): DemoFile[] {
  const r = prng(0x5eed_0006);
  const n = Math.min(150, Math.floor(c.enterprises.length / 20));
  return [
    {
      mode: 'replace',
      header: ['uscc', 'name', 'reason', 'listed_at', 'removed_at'],
      rows: n,
      row: (i) => {
        const listed = dayNo(c.today) - int(r, 30, 900);
        const removed = r() < 0.3 ? isoDay(listed + int(r, 20, 25)) : null;
        return [at(c.enterprises, i * 20 + 7), `海南${pick(r, TRADE_NAMES)}${pick(r, INDUSTRIES)}有限公司`, pick(r, ABNORMAL_REASONS), isoDay(listed), removed];
      },
    },
  ];
}

const POLLUTER_CATEGORIES = ['水环境重点排污单位', '大气环境重点排污单位', '土壤污染重点监管单位', '环境风险重点管控单位'];

/**
 * 重点排污单位名录: mostly enterprises of the base data, plus a few credit codes that are valid but
 * not registered there — the consistency score shows them.
 */
function polluters(c: Context): DemoFile[] {
  const r = prng(0x5eed_0007);
  const n = Math.min(120, Math.floor(c.enterprises.length / 25));
  const cities = ['海口市', '三亚市', '儋州市', '琼海市', '文昌市', '万宁市', '东方市', '澄迈县', '临高县', '昌江黎族自治县'];
  return [
    {
      mode: 'replace',
      header: ['uscc', 'name', 'category', 'region'],
      rows: n,
      row: (i) => {
        const code = i < UNREGISTERED_POLLUTERS ? synthUscc('469027', 900_000 + i) : at(c.enterprises, i * 25 + 3);
        return [code, `海南${pick(r, TRADE_NAMES)}${pick(r, ['化工', '水泥', '制浆造纸', '电力', '污水处理', '石化'])}有限公司`, pick(r, POLLUTER_CATEGORIES), pick(r, cities)];
      },
    },
  ];
}

/** 海口市公共停车场信息: parking lots with their capacity and fee. */
function parking(c: Context): DemoFile[] {
  const r = prng(0x5eed_0008);
  const haikou = c.places.filter((p) => p.code.startsWith('4601'));
  const places = haikou.length > 0 ? haikou : c.places;
  return [
    {
      mode: 'replace',
      header: ['lot_code', 'name', 'address', 'spaces', 'fee'],
      rows: 180,
      row: (i) => {
        const p = at(places, i % places.length);
        const street = pick(r, STREETS);
        return [`HK-P${String(i + 1).padStart(4, '0')}`, `${street}${pick(r, ['公共停车场', '立体停车库', '路内泊位', '地下停车场'])}${i + 1}`, `${p.address}${street}${int(r, 1, 300)}号`, int(r, 20, 900), pick(r, ['首小时 5 元，之后每小时 2 元', '每次 10 元', '首小时免费，之后每小时 3 元', '每小时 4 元，当日封顶 40 元'])];
      },
    },
  ];
}

const HOTEL_CLASSES = ['五星级', '四星级', '三星级', '经济型'];
const CLASS_PREMIUM = [0.1, 0.05, 0, -0.04];

/** 三亚市酒店住宿登记统计: daily occupancy by hotel class for 90 days. */
function hotels(c: Context): DemoFile[] {
  const r = prng(0x5eed_0009);
  const start = dayNo(c.today) - 90;
  return [
    {
      mode: 'replace',
      header: ['date', 'hotel_class', 'occupancy'],
      rows: 90 * HOTEL_CLASSES.length,
      row: (i) => {
        const day = isoDay(start + Math.floor(i / HOTEL_CLASSES.length));
        const k = i % HOTEL_CLASSES.length;
        const weekend = [0, 5, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay()) ? 0.08 : 0;
        const season = (at(SEASON, Number(day.slice(5, 7)) - 1) - 1) * 0.3;
        return [day, at(HOTEL_CLASSES, k), fixed(Math.min(0.98, Math.max(0.3, 0.62 + at(CLASS_PREMIUM, k) + weekend + season + (r() - 0.5) * 0.08)), 4)];
      },
    },
  ];
}

const GOODS: Array<[string, number]> = [
  ['大米', 3.1],
  ['猪肉（后腿）', 14.5],
  ['鸡蛋', 6.2],
  ['小白菜', 4.8],
  ['西红柿', 5.6],
  ['带鱼', 26],
  ['食用植物油（5L）', 68],
  ['牛奶（250ml）', 3.5],
];
const MARKETS = ['海口东门市场', '海口南北水果市场', '海口白沙门农贸市场', '海口琼山农贸市场'];

/** 海口市价格监测数据: weekly prices of staple goods at four markets for 26 weeks. */
function prices(c: Context): DemoFile[] {
  const r = prng(0x5eed_000a);
  const weeks = 26;
  const last = dayNo(c.today) - 1;
  const per = GOODS.length * MARKETS.length;
  return [
    {
      mode: 'replace',
      header: ['goods', 'market', 'price', 'observed_at'],
      rows: weeks * per,
      row: (i) => {
        const w = Math.floor(i / per);
        const [goods, base] = at(GOODS, Math.floor((i % per) / MARKETS.length));
        return [goods, at(MARKETS, i % MARKETS.length), fixed(base * (0.92 + r() * 0.16) * (1 + 0.002 * w), 2), isoDay(last - (weeks - 1 - w) * 7)];
      },
    },
  ];
}

/** Which demo entry gets which file, in load order: the reference first. */
const DATASETS: ReadonlyArray<{ entry: string; files: (c: Context) => DemoFile[] }> = [
  { entry: '企业营业执照信息', files: enterprises },
  { entry: '人口基础信息', files: population },
  { entry: '空气质量实时监测数据', files: airQuality },
  { entry: '三亚市旅游接待统计', files: tourism },
  { entry: '出入境证件办理统计', files: exitEntry },
  { entry: '企业经营异常名录', files: abnormal },
  { entry: '重点排污单位名录', files: polluters },
  { entry: '海口市公共停车场信息', files: parking },
  { entry: '三亚市酒店住宿登记统计', files: hotels },
  { entry: '海口市价格监测数据', files: prices },
];

/** The entry whose credit codes are the reference of the consistency score, and its field. */
export const REFERENCE = { entry: '企业营业执照信息', field: 'uscc' } as const;

// ── Loading ──

/** The counties of the province of `regionCode` (or its cities where counties are not on file), with their full names. */
async function placesOf(k: Kernel, regionCode: string): Promise<Place[]> {
  const prefix = regionCode.slice(0, 2);
  const rows = await k.db.kysely.selectFrom('regions').select(['code', 'name', 'parent_code', 'level']).where('code', 'like', `${prefix}%`).orderBy('code').execute();
  const byCode = new Map(rows.map((r) => [r.code.trim(), r]));
  const full = (code: string): string => {
    const r = byCode.get(code);
    if (!r) return '';
    return (r.parent_code ? full(r.parent_code.trim()) : '') + r.name;
  };
  const deepest = Math.max(...rows.map((r) => r.level));
  // 三沙市 has no resident population to speak of; keep the places people live.
  return rows
    .filter((r) => r.level === deepest)
    .map((r) => ({ code: r.code.trim(), name: r.name, address: full(r.code.trim()) }))
    .filter((p) => !p.address.includes('三沙'));
}

/** The entry's id and a user of its provider who may load it (clerk, data officer or org admin), as an auth context. */
async function entryAndLoader(k: Kernel, name: string): Promise<{ entryId: string; auth: AuthContext } | null> {
  const db = k.db.kysely;
  const e = await db
    .selectFrom('catalog_entries as e')
    .innerJoin('catalog_versions as v', (j) => j.onRef('v.entry_id', '=', 'e.id').onRef('v.version', '=', 'e.published_version'))
    .select(['e.id', 'e.provider_org_id as org_id'])
    .where('v.name', '=', name)
    .orderBy('e.created_at')
    .executeTakeFirst();
  if (!e) return null;
  const users = await db.selectFrom('users').select(['id', 'login', 'name', 'roles']).where('org_id', '=', e.org_id).orderBy('login').execute();
  const rank = (roles: string[]) => (roles.includes('clerk') ? 0 : roles.includes('data_officer') ? 1 : roles.includes('org_admin') ? 2 : 9);
  const u = users.filter((x) => rank(x.roles) < 9).sort((a, b) => rank(a.roles) - rank(b.roles))[0];
  if (!u) return null;
  const row = await identityRepo.findAuthRow(db, { userId: u.id });
  return row ? { entryId: e.id, auth: authFromRow(row, 'session', null) } : null;
}

/**
 * Loads the demo datasets into the seeded demo catalog. Entries the catalog does not have are
 * skipped; a refused load is an error (the demo data is generated to pass).
 */
export async function loadDemoDatasets(k: Kernel, opts: DemoDatasetOptions): Promise<DemoDatasetsResult> {
  const started = Date.now();
  const loads: DemoLoad[] = [];
  // The demo province: where the platform operator sits.
  const province = await k.db.kysely.selectFrom('orgs').select('region_code').where(sql<boolean>`'platform_admin' = ANY(roles)`).orderBy('created_at').executeTakeFirst();
  const places = await placesOf(k, (province?.region_code ?? k.profile.region.code).trim());
  if (places.length === 0) throw new Error('演示数据：没有可用的行政区划');
  const now = beijingIso(k.clock.now());
  const ctx: Context = {
    today: now.slice(0, 10),
    hour: Number(now.slice(11, 13)),
    places,
    enterprises: Array.from({ length: DEMO_ENTERPRISES }, (_, i) => synthUscc(at(places, i % places.length).code, 100_000 + i * 37)),
    population: opts.population,
  };
  let reference: DemoDatasetsResult['reference'] = null;
  for (const d of DATASETS) {
    const target = await entryAndLoader(k, d.entry);
    if (!target) continue;
    for (const f of d.files(ctx)) {
      if (f.rows === 0) continue;
      const report = await receiveLoad(k, target.auth, target.entryId, { mode: f.mode, format: 'csv', body: csvStream(f.header, f.rows, f.row) });
      loads.push({ entry: d.entry, report });
    }
    if (d.entry === REFERENCE.entry) {
      await k.db.kysely.transaction().execute((trx) => registerReference(k, trx, SYSTEM_ACTOR, 'uscc', { entryId: target.entryId, field: REFERENCE.field }));
      reference = { entryId: target.entryId, field: REFERENCE.field };
    }
  }
  return { loads, reference, ms: Date.now() - started };
}
