/** The sandbox benchmark's dataset: a population register shaped like 人口基础信息, and its row generator. */
import type { CatalogField } from '../../src/modules/catalog/tables.js';
import { synthIdNumber } from '../../src/modules/ingest/synth.js';

/** 人口基础信息 as the demo catalog describes it (id_number key, name, gender, birth date, address), plus the region code. */
export const POPULATION_FIELDS: CatalogField[] = [
  { name: 'id_number', label: '公民身份号码', type: 'string', key: true, required: true, piiKind: 'id_number' },
  { name: 'name', label: '姓名', type: 'string', required: true, piiKind: 'name' },
  { name: 'gender', label: '性别', type: 'string' },
  { name: 'birth_date', label: '出生日期', type: 'date', piiKind: 'birth_date' },
  { name: 'address', label: '户籍地址', type: 'string', piiKind: 'address' },
  { name: 'region', label: '户籍地区划', type: 'string', piiKind: 'region_code' },
];

/** The sandbox policies of the benchmark's grant: identifying columns hidden, the rest group keys. */
export const POPULATION_POLICIES: Record<string, string> = {
  id_number: 'hidden',
  name: 'hidden',
  gender: 'group_key',
  birth_date: 'group_key',
  address: 'hidden',
  region: 'group_key',
};

/** The 19 counties and cities of Hainan the rows are spread over. */
const REGIONS = ['460105', '460106', '460107', '460108', '460202', '460203', '460204', '460205', '460321', '460400', '469001', '469002', '469005', '469006', '469007', '469021', '469022', '469023', '469024'];
const CITY: Record<string, string> = { '4601': '海口市', '4602': '三亚市', '4603': '三沙市', '4604': '儋州市', '4690': '省直辖县级行政区划' };
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂';
/** Days of birth spread over 1940–2019; each (day, sequence) pair is used once, so ID numbers are unique. */
const DAYS = 29_220;
const DAY0 = Date.UTC(1940, 0, 1);

/** Row `i` as a COPY text line (tab-separated, with newline): a valid ID number whose sex digit matches the gender. */
export function populationRow(i: number): string {
  const region = REGIONS[i % REGIONS.length] as string;
  const day = (i * 7919) % DAYS;
  const seq = Math.floor(i / DAYS);
  if (seq > 999) throw new Error('at most 29,220,000 rows');
  const d = new Date(DAY0 + day * 86_400_000);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  const id = synthIdNumber(region, ymd, seq);
  const gender = seq % 2 === 1 ? '男' : '女';
  const name = `${SURNAMES[i % 20]}${GIVEN[(i >> 2) % 20]}${GIVEN[(i >> 5) % 20]}`;
  const address = `海南省${CITY[region.slice(0, 4)] ?? ''}第${i % 997}街${i % 89}号`;
  return `${id}\t${name}\t${gender}\t${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}\t${address}\t${region}\n`;
}

/** The same row as CSV (for the one row loaded through the API). */
export const populationCsv = (i: number): string => populationRow(i).replace(/\t/g, ',');
