/** The benchmark dataset: 12 columns, every validator on the path, and its row generator. */
import type { CatalogField } from '../../src/modules/catalog/tables.js';
import { synthIdNumber, synthUscc } from '../../src/modules/ingest/synth.js';

export const BENCH_FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'name', label: '姓名', type: 'string', required: true, piiKind: 'name' },
  { name: 'mobile', label: '手机号码', type: 'string', piiKind: 'mobile' },
  { name: 'employer', label: '工作单位统一社会信用代码', type: 'string', piiKind: 'uscc' },
  { name: 'region', label: '户籍地区划', type: 'string', piiKind: 'region_code' },
  { name: 'birth', label: '出生日期', type: 'date' },
  { name: 'household', label: '家庭人口', type: 'integer' },
  { name: 'income', label: '月收入', type: 'number' },
  { name: 'insured', label: '参保', type: 'boolean' },
  { name: 'updated_at', label: '更新时间', type: 'datetime' },
  { name: 'address', label: '住址', type: 'string', piiKind: 'address' },
  { name: 'note', label: '备注', type: 'string' },
];

const REGIONS = ['460105', '460106', '460107', '460108', '460202', '460203', '460204', '460205'];
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂';

/** The CSV line (with newline) of row `i`: valid, deterministic, unique ID numbers. */
export function benchRow(i: number): string {
  const region = REGIONS[i % REGIONS.length] as string;
  // A unique (birth date, sequence) pair per row: 1000 sequence numbers per day from 1950.
  const day = Math.floor(i / 1000);
  const d = new Date(Date.UTC(1950, 0, 1) + day * 86_400_000);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  const birth = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  const id = synthIdNumber(region, ymd, i % 1000);
  const name = `${SURNAMES[i % 20]}${GIVEN[(i >> 2) % 20]}${GIVEN[(i >> 5) % 20]}`;
  const mobile = `13${(i % 7) + 3}${String(i).padStart(8, '0')}`;
  const uscc = synthUscc(region, i % 50_000);
  return `${id},${name},${mobile},${uscc},${region},${birth},${(i % 6) + 1},${3000 + (i % 9000)}.${i % 100},${i % 3 ? 'true' : 'false'},2026-09-1${i % 8}T08:${String(i % 60).padStart(2, '0')}:00+08:00,海南省海口市龙华区第${i % 500}号,"备注, ${i}"\n`;
}

export const BENCH_HEADER = `${BENCH_FIELDS.map((f) => f.name).join(',')}\n`;
