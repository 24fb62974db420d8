/**
 * Vocabularies for generated catalog entries: departments (with their category and the subjects
 * they hold data on), data words, suffixes, field labels and usage phrases, as a Hainan province's
 * catalog reads. Deterministic: `rng(seed)` drives every choice.
 */

/** A small, fast, seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** Several distinct items of `xs`. */
export function pickSome<T>(r: () => number, xs: readonly T[], n: number): T[] {
  const out = new Set<T>();
  const want = Math.min(n, xs.length);
  while (out.size < want) out.add(pick(r, xs));
  return [...out];
}

export interface Department {
  /** The department's name without its region, e.g. 市场监督管理局. */
  name: string;
  /** Its name at the provincial level, when it differs (公安局 → 公安厅). */
  provincial?: string;
  category: string;
  subjects: readonly string[];
  dataWords: readonly string[];
  labels: readonly string[];
}

const PERSON = ['姓名', '公民身份号码', '性别', '出生日期', '民族', '联系电话', '户籍地址', '现住址'];
const COMPANY = ['统一社会信用代码', '企业名称', '法定代表人', '注册资本', '成立日期', '登记机关', '经营范围', '住所', '经营状态'];
const EVENT = ['发生时间', '办理机构', '办理结果', '文书编号', '有效期限', '审批部门', '备注'];
const PLACE = ['行政区划', '经度', '纬度', '地址', '监测点位', '采样时间', '监测数值', '计量单位'];

export const DEPARTMENTS: readonly Department[] = [
  { name: '市场监督管理局', category: '市场监管', subjects: ['企业', '个体工商户', '农民专业合作社', '食品生产', '食品经营', '特种设备', '药品零售', '计量器具', '广告'], dataWords: ['营业执照', '登记', '年报', '许可证', '抽检', '行政处罚', '变更', '注销', '投诉举报', '信用'], labels: [...COMPANY, ...EVENT, '许可证编号', '抽检结果'] },
  { name: '公安局', provincial: '公安厅', category: '公安', subjects: ['户籍人口', '流动人口', '机动车', '驾驶人', '出入境', '旅馆业', '交通事故', '居住证', '身份证'], dataWords: ['登记', '变动', '办理', '签注', '违法', '核查', '统计', '档案'], labels: [...PERSON, ...EVENT, '号牌号码', '车辆类型', '证件有效期'] },
  { name: '卫生健康委员会', category: '卫生健康', subjects: ['医疗机构', '医师', '护士', '出生医学证明', '预防接种', '传染病', '妇幼保健', '基层医疗'], dataWords: ['执业', '注册', '登记', '监测', '报告', '统计', '资质', '诊疗'], labels: [...PERSON, ...EVENT, '执业地点', '执业类别', '医疗机构名称'] },
  { name: '教育局', provincial: '教育厅', category: '教育', subjects: ['中小学校', '学生', '教师', '幼儿园', '职业学校', '校外培训机构', '招生'], dataWords: ['学籍', '资格', '办学许可', '考试成绩', '奖助学金', '统计', '备案'], labels: [...PERSON, '学校名称', '学段', '年级', '入学日期', '办学地址'] },
  { name: '交通运输局', provincial: '交通运输厅', category: '交通运输', subjects: ['道路运输', '营运车辆', '客运站', '港口', '船舶', '出租汽车', '网约车', '公路'], dataWords: ['经营许可', '从业资格', '运行', '定位', '检测', '养护', '运量', '违章'], labels: [...COMPANY, ...EVENT, '车牌号码', '道路运输证号', '线路名称'] },
  { name: '自然资源和规划局', provincial: '自然资源和规划厅', category: '自然资源', subjects: ['不动产', '土地', '林地', '海域', '矿产', '国土空间', '地质灾害'], dataWords: ['登记', '权属', '出让', '规划许可', '调查', '监测', '使用权'], labels: [...PLACE, '宗地代码', '权利人', '面积', '用途', '不动产单元号'] },
  { name: '生态环境局', provincial: '生态环境厅', category: '生态环境', subjects: ['空气质量', '水环境', '近岸海域', '土壤', '排污单位', '危险废物', '噪声', '建设项目'], dataWords: ['监测', '排污许可', '环评', '执法', '转移联单', '预警', '评价'], labels: [...PLACE, '污染物名称', '排放浓度', '排污许可证编号'] },
  { name: '住房和城乡建设局', provincial: '住房和城乡建设厅', category: '住房城乡建设', subjects: ['商品房', '建筑企业', '施工许可', '住房公积金', '保障性住房', '物业', '燃气'], dataWords: ['预售许可', '资质', '备案', '缴存', '提取', '网签', '验收'], labels: [...COMPANY, ...EVENT, '项目名称', '建筑面积', '合同编号'] },
  { name: '人力资源和社会保障局', provincial: '人力资源和社会保障厅', category: '人力资源社会保障', subjects: ['养老保险', '失业保险', '工伤保险', '就业', '职业技能', '劳动合同', '人才'], dataWords: ['参保', '缴费', '待遇', '登记', '鉴定', '补贴', '认定'], labels: [...PERSON, '参保单位', '缴费基数', '缴费月份', '待遇类型'] },
  { name: '民政局', provincial: '民政厅', category: '民政', subjects: ['婚姻', '社会组织', '低保', '特困人员', '养老机构', '殡葬', '地名', '残疾人'], dataWords: ['登记', '救助', '认定', '年检', '补贴', '服务', '备案'], labels: [...PERSON, ...EVENT, '救助金额', '组织名称'] },
  { name: '农业农村局', provincial: '农业农村厅', category: '农业农村', subjects: ['农产品', '种植', '畜禽养殖', '渔船', '农机', '热带作物', '橡胶', '槟榔', '农村土地'], dataWords: ['质量安全', '检测', '补贴', '承包经营', '登记', '产量', '病虫害'], labels: [...PLACE, '经营主体', '作物品种', '种植面积', '产量'] },
  { name: '税务局', category: '税务', subjects: ['纳税人', '发票', '增值税', '个人所得税', '社保费', '出口退税'], dataWords: ['登记', '申报', '缴纳', '信用评价', '欠税', '开具'], labels: [...COMPANY, '纳税人识别号', '税款所属期', '应纳税额'] },
  { name: '医疗保障局', category: '医疗保障', subjects: ['基本医疗保险', '定点医药机构', '医保药品', '异地就医', '门诊慢特病'], dataWords: ['参保', '结算', '报销', '备案', '目录', '基金'], labels: [...PERSON, '定点机构名称', '结算金额', '就诊日期'] },
  { name: '旅游和文化广电体育局', provincial: '旅游和文化广电体育厅', category: '文化旅游', subjects: ['旅游景区', '旅行社', '导游', '酒店', '文物', '演出', '体育场馆', '游艇'], dataWords: ['等级评定', '经营许可', '客流', '投诉', '备案', '统计'], labels: [...COMPANY, ...PLACE, '接待人数', '星级'] },
  { name: '应急管理局', category: '应急管理', subjects: ['安全生产', '危险化学品', '自然灾害', '应急物资', '消防', '防汛'], dataWords: ['许可', '隐患排查', '预警', '救援', '储备', '事故'], labels: [...COMPANY, ...PLACE, ...EVENT, '隐患等级'] },
  { name: '商务局', provincial: '商务厅', category: '商务', subjects: ['外商投资', '对外贸易', '离岛免税', '自贸港', '商贸流通', '电子商务'], dataWords: ['备案', '销售', '进出口', '统计', '企业名录', '政策兑现'], labels: [...COMPANY, '商品名称', '销售金额', '贸易方式'] },
  { name: '气象局', category: '气象', subjects: ['台风', '降水', '气温', '气象灾害', '海洋气象'], dataWords: ['观测', '预报', '预警', '实况', '统计'], labels: [...PLACE, '观测时间', '要素值'] },
  { name: '统计局', category: '统计', subjects: ['国民经济', '人口普查', '经济普查', '规模以上工业', '居民收支'], dataWords: ['统计', '核算', '调查', '年鉴', '公报'], labels: ['指标名称', '统计周期', '指标值', '计量单位', '行政区划'] },
];

/** What a catalog entry's name ends with. */
export const SUFFIXES = ['信息', '数据', '记录', '清单', '目录', '明细', '库', '汇总', '情况'] as const;

export const USAGES = ['政务服务办理', '市场主体监管', '社会信用体系建设', '公共服务', '统计分析', '应急管理', '城市治理', '营商环境评价', '惠企政策兑现', '风险预警'] as const;

