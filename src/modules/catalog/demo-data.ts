/**
 * The demo province's catalog: realistic entries of the demo institutions, covering every share /
 * open / operation attribute, every grade, provision method and update frequency. Every entry
 * passes the catalog's rules (demo.test.ts holds it to that).
 */
import type { Attr, CatalogField, Grade } from './tables.js';
import type { EntryInput, ProvisionMethod, UpdateFrequency } from './model.js';

/** `name:label:type[:flags]` with flags `key`, `req`, `pii=<kind>`. */
function fields(spec: string): CatalogField[] {
  return spec.split(';').map((part) => {
    const [name, label, type, ...flags] = part.trim().split(':') as [string, string, CatalogField['type'], ...string[]];
    const f: CatalogField = { name, label, type };
    for (const flag of flags) {
      if (flag === 'key') f.key = f.required = true;
      else if (flag === 'req') f.required = true;
      else if (flag.startsWith('pii=')) {
        f.piiKind = flag.slice(4);
        f.sensitivity = 'important';
      }
    }
    return f;
  });
}

const ASSESSED = {
  secrecyRisk: { done: true, conclusion: '不涉及国家秘密', date: '2026-08-15' },
  piiImpact: { done: true, conclusion: '已评估，个人信息按重要数据处理', date: '2026-08-15' },
};

/** Attributes in short: share, open, operation, grade. */
interface Attrs {
  share: Attr;
  open: Attr;
  op: boolean;
  grade: Grade;
  methods: ProvisionMethod[];
  freq: UpdateFrequency;
  priority?: string[];
}

export interface DemoEntry {
  provider: string;
  /** Lifecycle state the demo leaves it in. */
  state: 'published' | 'draft' | 'submitted' | 'returned';
  input: EntryInput;
}

const SHARE_SCOPE = { scope: '省内各级政务部门履行法定职责', usage: '仅用于政务服务办理、监管执法和统计分析，不得转授' };
const NO_SHARE_BASIS: Record<string, string> = {
  police: '《中华人民共和国人民警察法》第二十二条及《中华人民共和国个人信息保护法》第三十四条，涉及侦查工作秘密',
  secret: '《中华人民共和国保守国家秘密法》第十三条，属于国家秘密事项',
  tax: '《中华人民共和国税收征收管理法》第八条，纳税人商业秘密依法保密',
  law: '《中华人民共和国数据安全法》第二十一条，核心数据依法实行更加严格的管理制度',
};

function entry(provider: string, name: string, category: string, description: string, spec: string, a: Attrs, extra: Partial<EntryInput> = {}, state: DemoEntry['state'] = 'published'): DemoEntry {
  const f = fields(spec);
  const hasPii = f.some((x) => x.piiKind);
  const input: EntryInput = {
    name,
    description,
    format: a.methods.includes('file') && !a.methods.includes('api') ? 'file' : 'table',
    fields: f,
    shareAttr: a.share,
    shareConditions: a.share === 'conditional' ? SHARE_SCOPE : null,
    noShareBasis: a.share === 'none' ? (extra.noShareBasis ?? NO_SHARE_BASIS.law!) : null,
    openAttr: a.open,
    openConditions: a.open === 'conditional' ? { conditions: '申请人须说明用途并承诺数据安全保护措施', useRequirements: '不得用于识别特定个人，不得向第三方提供' } : null,
    notOpenReason: a.open === 'none' ? (hasPii ? 'personal_info' : a.grade === 'core' ? 'security' : 'law') : null,
    openSafeguards: a.open !== 'none' && hasPii ? ['anonymised'] : [],
    operationAttr: a.op,
    provisionMethods: a.methods,
    usageConditions: a.share === 'unconditional' ? '无条件共享，按需调用' : '按共享申请批准的范围和期限使用',
    updateFrequency: a.freq,
    category,
    grade: a.grade,
    priorityAreas: a.priority ?? [],
    assessments: ASSESSED,
    ...extra,
  };
  return { provider, state, input };
}

const A = (share: Attr, open: Attr, op: boolean, grade: Grade, methods: ProvisionMethod[], freq: UpdateFrequency, priority?: string[]): Attrs => ({
  share,
  open,
  op,
  grade,
  methods,
  freq,
  ...(priority ? { priority } : {}),
});

export const DEMO_CATALOG: DemoEntry[] = [
  // 海南省公安厅
  entry('gat', '人口基础信息', '人口', '全省常住人口和户籍人口的基础身份信息，是人口基础库的权威来源。', 'id_number:公民身份号码:string:key:pii=id_number;name:姓名:string:req:pii=name;gender:性别:string;birth_date:出生日期:date:pii=birth_date;address:户籍地址:string:pii=address', A('conditional', 'none', false, 'important', ['api', 'sandbox'], 'daily')),
  entry('gat', '居民身份证签发信息', '人口', '居民身份证的签发机关、有效期限和证件状态。', 'id_number:公民身份号码:string:key:pii=id_number;issuer:签发机关:string;valid_from:有效期起:date;valid_to:有效期止:date;status:证件状态:string', A('conditional', 'none', true, 'important', ['api'], 'daily')),
  entry('gat', '机动车登记信息', '交通', '机动车注册、转移、变更和注销登记信息。', 'plate_no:号牌号码:string:key;vehicle_type:车辆类型:string;owner_name:所有人:string:pii=name;reg_date:注册日期:date;status:机动车状态:string', A('conditional', 'conditional', true, 'important', ['api', 'batch'], 'daily', ['livelihood'])),
  entry('gat', '驾驶证状态信息', '交通', '机动车驾驶证准驾车型、记分和状态。', 'license_no:驾驶证号:string:key:pii=id_number;class:准驾车型:string;points:累积记分:integer;status:驾驶证状态:string', A('conditional', 'none', false, 'general', ['api'], 'realtime')),
  entry('gat', '在逃人员信息', '公共安全', '公安机关网上追逃人员信息。', 'case_no:案件编号:string:key;name:姓名:string:pii=name;id_number:公民身份号码:string:pii=id_number;issued_at:立案时间:datetime', A('none', 'none', false, 'core', ['api'], 'realtime'), { noShareBasis: NO_SHARE_BASIS.police! }),
  entry('gat', '出入境证件办理统计', '公共安全', '按月、按证件类型统计的出入境证件受理量。', 'month:统计月份:string:key;doc_type:证件类型:string:key;count:受理量:integer', A('unconditional', 'unconditional', true, 'general', ['file', 'api'], 'monthly', ['business_environment'])),
  entry('gat', '户籍迁移登记信息', '人口', '户口迁入、迁出登记记录。', 'id_number:公民身份号码:string:key:pii=id_number;move_type:迁移类型:string;from_region:迁出地:string;to_region:迁入地:string;move_date:迁移日期:date', A('conditional', 'none', false, 'important', ['batch'], 'weekly'), {}, 'draft'),
  // 海南省市场监督管理局
  entry('scj', '企业营业执照信息', '市场监管', '全省企业的登记注册信息，含统一社会信用代码、名称、类型和成立日期。', 'uscc:统一社会信用代码:string:key;name:企业名称:string:req;type:企业类型:string;legal_rep:法定代表人:string:pii=name;reg_date:成立日期:date;reg_capital:注册资本（万元）:number', A('unconditional', 'unconditional', true, 'general', ['api', 'batch', 'sandbox'], 'daily', ['business_environment', 'industry'])),
  entry('scj', '个体工商户登记信息', '市场监管', '个体工商户的注册登记信息。', 'uscc:统一社会信用代码:string:key;name:字号名称:string;operator:经营者姓名:string:pii=name;address:经营场所:string;reg_date:注册日期:date', A('unconditional', 'conditional', true, 'general', ['api'], 'daily', ['business_environment'])),
  entry('scj', '企业经营异常名录', '信用', '被列入经营异常名录的企业及列入原因。', 'uscc:统一社会信用代码:string:key;name:企业名称:string;reason:列入原因:string;listed_at:列入日期:date;removed_at:移出日期:date', A('unconditional', 'unconditional', false, 'general', ['api', 'file'], 'daily', ['business_environment'])),
  entry('scj', '行政处罚信息（市场监管）', '信用', '市场监管领域作出的行政处罚决定。', 'decision_no:处罚决定书文号:string:key;uscc:当事人统一社会信用代码:string;party:当事人名称:string;basis:处罚依据:string;amount:罚没金额（元）:number;decided_at:处罚日期:date', A('unconditional', 'unconditional', true, 'general', ['api', 'batch'], 'daily', ['business_environment'])),
  entry('scj', '食品生产许可证信息', '市场监管', '食品生产许可证的持证主体、品种明细和有效期。', 'license_no:许可证编号:string:key;uscc:统一社会信用代码:string;name:生产者名称:string;category:食品类别:string;valid_to:有效期至:date', A('unconditional', 'unconditional', true, 'general', ['api'], 'weekly', ['livelihood', 'industry'])),
  entry('scj', '特种设备使用登记信息', '安全生产', '电梯、锅炉、压力容器等特种设备的使用登记。', 'device_code:设备代码:string:key;type:设备类别:string;user_uscc:使用单位统一社会信用代码:string;address:使用地点:string;next_check:下次检验日期:date', A('conditional', 'conditional', true, 'important', ['api', 'batch'], 'monthly', ['livelihood'])),
  entry('scj', '企业年度报告信息', '市场监管', '企业年度报告公示的资产状况、从业人数和联系方式。', 'uscc:统一社会信用代码:string:key;year:报告年度:integer:key;employees:从业人数:integer;revenue:营业总收入（万元）:number;phone:联系电话:string:pii=phone', A('conditional', 'conditional', false, 'general', ['batch'], 'yearly')),
  entry('scj', '产品质量监督抽查结果', '市场监管', '产品质量国家和省级监督抽查结果。', 'report_no:报告编号:string:key;product:产品名称:string;producer:生产企业:string;result:抽查结论:string;checked_at:抽查日期:date', A('unconditional', 'unconditional', true, 'general', ['file'], 'quarterly', ['livelihood']), {}, 'submitted'),
  // 海南省生态环境厅
  entry('sthj', '空气质量实时监测数据', '生态环境', '全省国控、省控空气质量自动监测站的小时浓度。', 'station_code:监测站编码:string:key;measured_at:监测时间:datetime:key;pm25:PM2.5浓度:number;pm10:PM10浓度:number;o3:臭氧浓度:number;aqi:空气质量指数:integer', A('unconditional', 'unconditional', true, 'general', ['api'], 'realtime', ['ecology'])),
  entry('sthj', '重点排污单位名录', '生态环境', '水、大气、土壤等环境要素重点排污单位名单。', 'uscc:统一社会信用代码:string:key;name:单位名称:string;category:类别:string;region:所在市县:string', A('unconditional', 'unconditional', false, 'general', ['api', 'file'], 'yearly', ['ecology'])),
  entry('sthj', '排污许可证信息', '生态环境', '排污许可证核发、变更和注销信息。', 'permit_no:许可证编号:string:key;uscc:统一社会信用代码:string;name:单位名称:string;pollutants:许可排放污染物:string;valid_to:有效期至:date', A('unconditional', 'conditional', true, 'general', ['api', 'batch'], 'weekly', ['ecology', 'industry'])),
  entry('sthj', '环境行政处罚信息', '信用', '生态环境领域作出的行政处罚决定。', 'decision_no:处罚决定书文号:string:key;party:当事人:string;uscc:统一社会信用代码:string;violation:违法事实:string;amount:罚款金额（元）:number;decided_at:处罚日期:date', A('unconditional', 'unconditional', true, 'general', ['api'], 'daily', ['ecology', 'business_environment'])),
  entry('sthj', '近岸海域水质监测数据', '生态环境', '近岸海域国控点位水质监测结果。', 'point_code:点位编码:string:key;sampled_at:采样日期:date:key;quality_class:水质类别:string;cod:化学需氧量:number;ph:pH值:number', A('unconditional', 'unconditional', true, 'general', ['file', 'batch'], 'monthly', ['ecology'])),
  entry('sthj', '核与辐射安全监管信息', '生态环境', '放射源和射线装置使用单位的许可与监管信息。', 'permit_no:辐射安全许可证号:string:key;unit:使用单位:string;source_class:放射源类别:string;location:使用场所:string', A('conditional', 'none', false, 'core', ['batch'], 'quarterly'), { noShareBasis: NO_SHARE_BASIS.law! }),
  entry('sthj', '环境信访投诉信息', '生态环境', '群众环境信访投诉的受理和办理情况。', 'ticket_no:投诉编号:string:key;complainant:投诉人:string:pii=name;phone:联系电话:string:pii=phone;content:投诉内容:string;status:办理状态:string', A('conditional', 'none', false, 'important', ['batch'], 'daily'), {}, 'returned'),
  // 海南省自然资源和规划厅
  entry('zrzy', '不动产登记信息', '不动产', '不动产权利登记簿信息（权利人、坐落、面积、权利类型）。', 'cert_no:不动产权证书号:string:key;owner:权利人:string:pii=name;owner_id:权利人证件号:string:pii=id_number;location:坐落:string;area:面积（平方米）:number;right_type:权利类型:string', A('conditional', 'none', false, 'important', ['api'], 'daily')),
  entry('zrzy', '国土空间规划成果', '自然资源', '省、市县国土空间总体规划和详细规划成果目录。', 'plan_code:规划编码:string:key;name:规划名称:string;level:规划层级:string;approved_at:批复日期:date', A('unconditional', 'unconditional', true, 'general', ['file'], 'irregular', ['industry'])),
  entry('zrzy', '建设用地供应信息', '自然资源', '国有建设用地出让、划拨和租赁供应结果。', 'parcel_no:宗地编号:string:key;location:位置:string;area:面积（公顷）:number;use:用途:string;price:成交价（万元）:number;supplied_at:供应日期:date', A('unconditional', 'unconditional', true, 'general', ['api', 'file'], 'weekly', ['industry', 'business_environment'])),
  entry('zrzy', '基础测绘地理信息', '自然资源', '1:2000 基础地形图等基础测绘成果。', 'tile_code:图幅编号:string:key;scale:比例尺:string;produced_at:生产日期:date;secret_level:密级:string', A('none', 'none', false, 'core', ['file'], 'yearly'), { noShareBasis: NO_SHARE_BASIS.secret!, format: 'spatial' }),
  entry('zrzy', '矿业权登记信息', '自然资源', '探矿权、采矿权的登记和有效期。', 'right_no:矿业权证号:string:key;holder:权利人:string;mineral:矿种:string;area:面积（平方公里）:number;valid_to:有效期至:date', A('unconditional', 'conditional', true, 'general', ['api'], 'monthly', ['industry'])),
  // 海口市人民政府
  entry('hk', '海口市政务服务事项办件信息', '政务服务', '海口市政务服务事项的受理、办结和满意度。', 'case_no:办件编号:string:key;item:事项名称:string;applicant:申请人:string:pii=name;accepted_at:受理时间:datetime;finished_at:办结时间:datetime;rating:满意度:integer', A('conditional', 'conditional', true, 'general', ['api', 'batch'], 'daily', ['business_environment'])),
  entry('hk', '海口市公共停车场信息', '交通', '公共停车场位置、泊位数和收费标准。', 'lot_code:停车场编号:string:key;name:名称:string;address:地址:string;spaces:泊位数:integer;fee:收费标准:string', A('unconditional', 'unconditional', true, 'general', ['api'], 'realtime', ['livelihood'])),
  entry('hk', '海口市公交线路与站点', '交通', '公交线路、站点和首末班时间。', 'line_no:线路编号:string:key;name:线路名称:string;stops:站点:string;first_bus:首班时间:string;last_bus:末班时间:string', A('unconditional', 'unconditional', true, 'general', ['api', 'file'], 'monthly', ['livelihood'])),
  entry('hk', '海口市最低生活保障对象信息', '社会保障', '城乡最低生活保障对象和保障金发放情况。', 'id_number:公民身份号码:string:key:pii=id_number;name:姓名:string:pii=name;household_size:家庭人口:integer;amount:月保障金（元）:number', A('conditional', 'none', false, 'important', ['batch'], 'monthly')),
  entry('hk', '海口市网格化社会治理事件', '城市运行', '网格员上报的社会治理事件及处置情况（内部共享，不对社会开放）。', 'event_no:事件编号:string:key;category:事件类别:string;grid:网格:string;reported_at:上报时间:datetime;status:处置状态:string', A('unconditional', 'none', false, 'general', ['api'], 'realtime')),
  entry('hk', '海口市公共厕所分布', '城市运行', '公共厕所位置和开放时间（向社会开放，按需共享）。', 'code:编号:string:key;address:地址:string;open_hours:开放时间:string;accessible:无障碍设施:boolean', A('conditional', 'unconditional', true, 'general', ['api', 'file'], 'quarterly', ['livelihood'])),
  // 海口市发展和改革委员会
  entry('hkfgw', '海口市重大项目库', '发展改革', '海口市省市重点项目的投资、进度和责任单位。', 'project_code:项目代码:string:key;name:项目名称:string;investment:总投资（亿元）:number;progress:形象进度:string;owner_unit:责任单位:string', A('unconditional', 'unconditional', true, 'general', ['api', 'file'], 'monthly', ['industry'])),
  entry('hkfgw', '海口市社会信用评价结果', '信用', '市场主体公共信用综合评价等级。', 'uscc:统一社会信用代码:string:key;name:主体名称:string;grade:评价等级:string;evaluated_at:评价日期:date', A('unconditional', 'conditional', true, 'general', ['api'], 'monthly', ['business_environment'])),
  entry('hkfgw', '海口市价格监测数据', '发展改革', '重要民生商品价格监测。', 'goods:商品名称:string:key;market:监测点:string:key;price:价格（元）:number;observed_at:监测日期:date:key', A('unconditional', 'unconditional', false, 'general', ['file'], 'weekly', ['livelihood'])),
  entry('hkfgw', '海口市能源消费统计', '发展改革', '重点用能单位能源消费量统计。', 'uscc:统一社会信用代码:string:key;year:年度:integer:key;energy_tce:综合能耗（吨标准煤）:number', A('conditional', 'conditional', true, 'important', ['batch'], 'yearly', ['ecology'])),
  // 三亚市政务服务数据管理局
  entry('sy', '三亚市旅游接待统计', '旅游', '三亚市旅游接待人次和旅游收入。', 'month:统计月份:string:key;visitors:接待游客（万人次）:number;revenue:旅游收入（亿元）:number', A('unconditional', 'unconditional', true, 'general', ['api', 'file'], 'monthly', ['industry'])),
  entry('sy', '三亚市酒店住宿登记统计', '旅游', '按日汇总的酒店入住率（不含个人信息）。', 'date:日期:date:key;hotel_class:酒店星级:string:key;occupancy:入住率:number', A('unconditional', 'conditional', true, 'general', ['api'], 'daily', ['industry'])),
  entry('sy', '三亚市免税购物统计', '商务', '离岛免税购物金额与人次的月度统计。', 'month:统计月份:string:key;store:免税店:string:key;amount:销售额（亿元）:number;shoppers:购物人次:integer', A('conditional', 'conditional', true, 'important', ['batch'], 'monthly', ['industry', 'business_environment'])),
  entry('sy', '三亚市医疗机构信息', '卫生健康', '医疗机构名称、等级、地址和诊疗科目。', 'org_code:机构代码:string:key;name:机构名称:string;level:等级:string;address:地址:string;departments:诊疗科目:string', A('unconditional', 'unconditional', false, 'general', ['api'], 'quarterly', ['livelihood'])),
  entry('sy', '三亚市学校名录', '教育', '中小学和幼儿园名录及学位数。', 'school_code:学校代码:string:key;name:学校名称:string;type:办学类型:string;seats:学位数:integer', A('unconditional', 'unconditional', true, 'general', ['file'], 'yearly', ['livelihood'])),
  entry('sy', '三亚市纳税人信息（地方）', '财税', '地方税收征管中的纳税人登记和纳税信用。', 'uscc:统一社会信用代码:string:key;name:纳税人名称:string;credit_level:纳税信用等级:string', A('none', 'none', false, 'important', ['batch'], 'irregular'), { noShareBasis: NO_SHARE_BASIS.tax! }),
  entry('sy', '三亚市城市运行监测指标', '城市运行', '城市运行的供水、供电、交通流量等小时指标。', 'indicator:指标:string:key;measured_at:时间:datetime:key;value:数值:number', A('unconditional', 'unconditional', true, 'general', ['api'], 'realtime', ['livelihood'])),
];
