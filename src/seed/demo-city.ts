import type { UserRole } from '../shared/roles';
import type { DepartmentKind, RegionLevel } from '../org/org.types';

/** 示范市: a fictional city for the demo and the tests (administrative codes in a range no real place uses). */
export interface RegionSeed {
  code: string;
  name: string;
  level: RegionLevel;
  /** The outline the board's map draws (GeoJSON, longitude then latitude). */
  outline?: { type: 'Polygon'; coordinates: number[][][] };
  children?: RegionSeed[];
}

/**
 * A made-up outline: the box [west, south, east, north] with its edges bent a little, so the demo map
 * looks like a map. 示范市 lies at about 117.1°E, 36.65°N.
 */
function outline(west: number, south: number, east: number, north: number): RegionSeed['outline'] {
  const bend = (a: number, b: number, t: number, amount: number) => a + (b - a) * t + Math.sin(t * Math.PI * 3) * amount;
  const ring: number[][] = [];
  for (let i = 0; i < 6; i++) ring.push([bend(west, east, i / 6, 0), south + Math.sin((i / 6) * Math.PI * 2) * 0.008]);
  for (let i = 0; i < 6; i++) ring.push([east + Math.sin((i / 6) * Math.PI * 2) * 0.008, bend(south, north, i / 6, 0)]);
  for (let i = 0; i < 6; i++) ring.push([bend(east, west, i / 6, 0), north - Math.sin((i / 6) * Math.PI * 2) * 0.008]);
  for (let i = 0; i < 6; i++) ring.push([west - Math.sin((i / 6) * Math.PI * 2) * 0.008, bend(north, south, i / 6, 0)]);
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring.map(([x, y]) => [Math.round(x! * 1e5) / 1e5, Math.round(y! * 1e5) / 1e5])] };
}

const village = (code: string, name: string): RegionSeed => ({
  code,
  name,
  level: 'village',
  children: [
    { code: `${code}G1`, name: `${name}第一网格`, level: 'grid' },
    { code: `${code}G2`, name: `${name}第二网格`, level: 'grid' },
  ],
});

export const demoRegions: RegionSeed = {
  code: '990000',
  name: '示范市',
  level: 'city',
  children: [
    {
      code: '990101',
      name: '东城区',
      level: 'district',
      outline: outline(117.1, 36.55, 117.3, 36.8),
      children: [
        {
          code: '990101001',
          name: '东华街道',
          level: 'township',
          outline: outline(117.1, 36.68, 117.3, 36.8),
          children: [village('990101001001', '东华社区'), village('990101001002', '滨河社区')],
        },
        {
          code: '990101101',
          name: '新桥镇',
          level: 'township',
          outline: outline(117.1, 36.55, 117.3, 36.68),
          children: [village('990101101201', '新桥村'), village('990101101202', '柳庄村')],
        },
      ],
    },
    {
      code: '990121',
      name: '西山县',
      level: 'district',
      outline: outline(116.9, 36.55, 117.1, 36.8),
      children: [
        {
          code: '990121100',
          name: '城关镇',
          level: 'township',
          outline: outline(116.9, 36.68, 117.1, 36.8),
          children: [village('990121100001', '城关社区'), village('990121100002', '南街社区')],
        },
        {
          code: '990121200',
          name: '石门乡',
          level: 'township',
          outline: outline(116.9, 36.55, 117.1, 36.68),
          children: [village('990121200201', '石门村'), village('990121200202', '桃园村')],
        },
      ],
    },
  ],
};

export interface DepartmentSeed {
  code: string;
  name: string;
  kind: DepartmentKind;
  regionCode: string;
  parentCode?: string;
}

export const demoDepartments: DepartmentSeed[] = [
  { code: 'CENTER', name: '示范市12345政务服务便民热线中心', kind: 'center', regionCode: '990000' },
  { code: 'ZJJ', name: '市住房和城乡建设局', kind: 'functional', regionCode: '990000' },
  { code: 'STHJJ', name: '市生态环境局', kind: 'functional', regionCode: '990000' },
  { code: 'JTJ', name: '市交通运输局', kind: 'functional', regionCode: '990000' },
  { code: 'JYJ', name: '市教育局', kind: 'functional', regionCode: '990000' },
  { code: 'RSJ', name: '市人力资源和社会保障局', kind: 'functional', regionCode: '990000' },
  { code: 'SWJ', name: '市商务局', kind: 'functional', regionCode: '990000' },
  { code: 'WLJ', name: '市文化广电和旅游局', kind: 'functional', regionCode: '990000' },
  { code: 'WJW', name: '市卫生健康委员会', kind: 'functional', regionCode: '990000' },
  { code: 'GAJ', name: '市公安局', kind: 'functional', regionCode: '990000' },
  { code: 'SCJGJ', name: '市市场监督管理局', kind: 'functional', regionCode: '990000' },
  { code: 'MZJ', name: '市民政局', kind: 'functional', regionCode: '990000' },
  { code: 'NYNCJ', name: '市农业农村局', kind: 'functional', regionCode: '990000' },
  { code: 'YBJ', name: '市医疗保障局', kind: 'functional', regionCode: '990000' },
  { code: 'GJJ', name: '市住房公积金管理中心', kind: 'functional', regionCode: '990000' },
  { code: 'CGJ', name: '市城市管理局', kind: 'functional', regionCode: '990000' },
  { code: 'YJJ', name: '市应急管理局', kind: 'functional', regionCode: '990000' },
  { code: 'XZSPJ', name: '市行政审批服务局', kind: 'functional', regionCode: '990000' },
  { code: 'SWJT', name: '市水务集团', kind: 'utility', regionCode: '990000' },
  { code: 'GDGS', name: '示范供电公司', kind: 'utility', regionCode: '990000' },
  { code: 'DCQ', name: '东城区人民政府', kind: 'district_gov', regionCode: '990101' },
  { code: 'XSX', name: '西山县人民政府', kind: 'district_gov', regionCode: '990121' },
  { code: 'DHJD', name: '东华街道办事处', kind: 'township_gov', regionCode: '990101001', parentCode: 'DCQ' },
  { code: 'CGZ', name: '城关镇人民政府', kind: 'township_gov', regionCode: '990121100', parentCode: 'XSX' },
  { code: 'XSPT', name: '西山县帮办代办跑团', kind: 'runner_team', regionCode: '990121', parentCode: 'XSX' },
];

export interface UserSeed {
  username: string;
  displayName: string;
  role: UserRole;
  /** None for the county leader in charge, who is no department's staff. */
  departmentCode?: string;
}

export const demoUsers: UserSeed[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', departmentCode: 'CENTER' },
  { username: 'operator', displayName: '王敏（话务员）', role: 'operator', departmentCode: 'CENTER' },
  { username: 'proxy', displayName: '李娜（代办专席）', role: 'proxy_seat', departmentCode: 'CENTER' },
  { username: 'supervisor', displayName: '陈静（值班长）', role: 'supervisor', departmentCode: 'CENTER' },
  { username: 'director', displayName: '周建国（中心主任）', role: 'director', departmentCode: 'CENTER' },
  { username: 'leader', displayName: '吴海（西山县副县长）', role: 'county_leader' },
  { username: 'agent', displayName: '张伟（住建局）', role: 'agent', departmentCode: 'ZJJ' },
  { username: 'head', displayName: '赵强（住建局负责人）', role: 'dept_head', departmentCode: 'ZJJ' },
  { username: 'zjj_agent', displayName: '李军（住建局）', role: 'agent', departmentCode: 'ZJJ' },
  { username: 'cg_agent', displayName: '孙丽（城管局）', role: 'agent', departmentCode: 'CGJ' },
  { username: 'runner', displayName: '刘洋（跑手）', role: 'runner', departmentCode: 'XSPT' },
  { username: 'courier', displayName: '马俊（邮政网格员）', role: 'runner', departmentCode: 'XSPT' },
];

/** The demo dispatch catalog (派单目录): by category, by place, by keyword, and for 代办. */
export interface CatalogSeed {
  name: string;
  categoryCode?: string;
  requestType?: 'proxy';
  regionCode?: string;
  keywords?: string[];
  lead: string;
  assists?: string[];
}

export const demoCatalog: CatalogSeed[] = [
  { name: '城乡建设', categoryCode: '01', lead: 'ZJJ' },
  { name: '环境保护', categoryCode: '02', lead: 'STHJJ' },
  { name: '东城区噪声扰民（属地街道牵头）', categoryCode: '0202', regionCode: '990101', lead: 'DCQ', assists: ['STHJJ'] },
  { name: '交通运输', categoryCode: '03', lead: 'JTJ' },
  { name: '教育文体', categoryCode: '04', lead: 'JYJ' },
  { name: '劳动和社会保障', categoryCode: '05', lead: 'RSJ' },
  { name: '商贸', categoryCode: '06', lead: 'SWJ' },
  { name: '旅游服务', categoryCode: '0603', lead: 'WLJ' },
  { name: '卫生计生', categoryCode: '07', lead: 'WJW' },
  { name: '公安政法', categoryCode: '08', lead: 'GAJ' },
  { name: '市场监管', categoryCode: '09', lead: 'SCJGJ' },
  { name: '民政', categoryCode: '10', lead: 'MZJ' },
  { name: '农业农村', categoryCode: '11', lead: 'NYNCJ' },
  { name: '供水', categoryCode: '1201', lead: 'SWJT' },
  { name: '供电', categoryCode: '1202', lead: 'GDGS' },
  { name: '医保', categoryCode: '13', lead: 'YBJ' },
  { name: '住房公积金', categoryCode: '14', lead: 'GJJ' },
  { name: '城市管理', categoryCode: '15', lead: 'CGJ' },
  { name: '东华街道市容环卫（属地）', categoryCode: '1501', regionCode: '990101001', lead: 'DHJD' },
  { name: '政务服务', categoryCode: '16', lead: 'XZSPJ' },
  { name: '应急管理', categoryCode: '17', lead: 'YJJ' },
  { name: '停水（关键词）', keywords: ['停水', '没水'], lead: 'SWJT' },
  { name: '停电（关键词）', keywords: ['停电'], lead: 'GDGS' },
  { name: '西山县帮办代办', requestType: 'proxy', regionCode: '990121', lead: 'XSPT' },
];

/** Demo passwords are public by design: this is a demo city. */
export const demoPassword = (username: string): string => `${username}-12345`;

export interface ArticleSeed {
  title: string;
  body: string;
  categoryCode: string;
  departmentCode: string | null;
  regionCode?: string;
  source: string;
}

/** The demo city's knowledge base: what its seats are asked most, answered as the city would (written for the demo). */
export const demoArticles: ArticleSeed[] = [
  {
    title: '住房公积金提取需要哪些材料',
    body: '购买、建造、翻建、大修自住住房，偿还购房贷款本息，或租房自住的，可申请提取住房公积金。\n需携带：本人身份证、购房合同或租赁合同、本人银行卡。\n办理渠道：市住房公积金管理中心各服务网点，或“示范市公积金”网上服务大厅、手机App，材料齐全的当场办结，资金1个工作日内到账。',
    categoryCode: '1402',
    departmentCode: 'GJJ',
    source: '《示范市住房公积金提取管理办法》',
  },
  {
    title: '公积金贷款最高能贷多少',
    body: '公积金贷款额度按借款人及配偶公积金账户余额之和的15倍计算，单人最高60万元，双人最高80万元，且不超过房屋总价的80%（首套）。贷款期限最长30年。',
    categoryCode: '1403',
    departmentCode: 'GJJ',
    source: '《示范市住房公积金贷款管理办法》',
  },
  {
    title: '医保异地就医怎么备案',
    body: '参保人员异地就医前，可通过“国家医保服务平台”App、微信小程序或到参保地医保经办窗口办理备案。备案后在就医地定点医疗机构直接结算；未备案的，回参保地按规定手工报销，报销比例降低10个百分点。',
    categoryCode: '1303',
    departmentCode: 'YBJ',
    source: '《示范市基本医疗保险异地就医直接结算经办规程》',
  },
  {
    title: '居住证办理条件和材料',
    body: '在本市居住半年以上，且有合法稳定就业、合法稳定住所或连续就读条件之一的，可申领居住证。\n材料：身份证、近期一寸照片、就业或住所或就读证明。到居住地派出所户籍窗口办理，15个工作日内制证。',
    categoryCode: '0802',
    departmentCode: 'GAJ',
    source: '《居住证暂行条例》',
  },
  {
    title: '停水了怎么查询和报修',
    body: '计划停水会提前24小时在“示范水务”公众号和小区公告栏通知。突发停水或水压低，可拨打水务集团24小时客服热线96XXX报修，抢修人员一般2小时内到场。',
    categoryCode: '1201',
    departmentCode: 'SWJT',
    source: '示范市水务集团供水服务承诺',
  },
  {
    title: '东城区暖气不热怎么办',
    body: '东城区集中供暖期内室温低于18℃的，可拨打东城区热力公司24小时报修电话，热力公司接报后4小时内上门测温处理；测温不达标的，按规定退还相应供暖费。',
    categoryCode: '1204',
    departmentCode: 'DCQ',
    regionCode: '990101',
    source: '《东城区城市供热管理办法》',
  },
  {
    title: '被拖欠工资怎么投诉',
    body: '被拖欠工资的，可携带身份证、劳动合同或工资条、考勤记录等证据，到用人单位所在地劳动保障监察机构投诉，或通过“示范人社”App在线投诉。劳动保障监察机构自受理之日起60个工作日内办结。',
    categoryCode: '0501',
    departmentCode: 'RSJ',
    source: '《保障农民工工资支付条例》',
  },
  {
    title: '老年人优待证怎么办理',
    body: '本市户籍年满60周岁的老年人，可凭身份证、户口簿和一寸照片到户籍所在地街道（乡镇）便民服务中心申领老年人优待证，当场办结。行动不便的，可拨打12345申请帮办代办。',
    categoryCode: '1002',
    departmentCode: 'MZJ',
    source: '《示范市老年人优待办法》',
  },
  {
    title: '公积金缴存基数怎么调整',
    body: '住房公积金缴存基数每年7月1日调整一次，为职工本人上一年度月平均工资，不得低于本市上年度最低工资标准，不得高于上年度职工月平均工资的3倍。\n由单位经办人登录“示范市公积金”网上服务大厅统一办理，职工个人不能自行调整。',
    categoryCode: '1401',
    departmentCode: 'GJJ',
    source: '《示范市住房公积金缴存管理办法》',
  },
  {
    title: '换工作到外地后公积金账户怎么转移',
    body: '职工到外地工作的，在新单位所在地开立公积金账户后，可通过“全国住房公积金”小程序或转入地公积金中心申请异地转移接续，转出地无需本人跑腿，一般15个工作日内到账。',
    categoryCode: '1401',
    departmentCode: 'GJJ',
    source: '《住房公积金异地转移接续业务操作规程》',
  },
  {
    title: '职工医保住院报销比例是多少',
    body: '职工基本医疗保险住院费用，起付标准以上部分：一级医院报销90%，二级医院报销85%，三级医院报销80%；退休人员再提高5个百分点。年度最高支付限额40万元，超出部分由大病保险按规定支付。',
    categoryCode: '1302',
    departmentCode: 'YBJ',
    source: '《示范市职工基本医疗保险办法》',
  },
  {
    title: '灵活就业人员怎么参加医保',
    body: '本市户籍或持本市居住证的灵活就业人员，可携带身份证到户籍地或居住地社区（村）医保服务点办理参保登记，也可在“示范医保”App上自助办理；按月或按年缴费，缴费基数为上年度全市职工月平均工资的60%至300%。',
    categoryCode: '1301',
    departmentCode: 'YBJ',
    source: '《示范市灵活就业人员参加职工基本医疗保险办法》',
  },
  {
    title: '身份证丢了怎么补办',
    body: '居民身份证丢失的，本人携带户口簿到户籍所在地或居住地派出所户籍窗口申请补领，现场采集照片和指纹，工本费20元；急用的可同时申请临时身份证，当场领取。补领的身份证一般20个工作日内制发，可选择邮寄到家。',
    categoryCode: '0802',
    departmentCode: 'GAJ',
    source: '《中华人民共和国居民身份证法》',
  },
  {
    title: '新生儿怎么办理户口登记',
    body: '婴儿出生后一个月内，由父母一方携带出生医学证明、父母双方的户口簿和身份证、结婚证，到户口所在地派出所申报出生登记，当场办结。也可在“示范市出生一件事”线上办理，出生登记、医保参保、社保卡一次申请。',
    categoryCode: '0802',
    departmentCode: 'GAJ',
    source: '《示范市户口登记管理规定》',
  },
  {
    title: '高龄津贴怎么申领',
    body: '本市户籍年满80周岁的老年人按月领取高龄津贴：80至89周岁每人每月100元，90至99周岁每月300元，100周岁以上每月800元。本人或家属携带身份证、户口簿、银行卡到户籍所在地村（社区）申报，审核通过后次月起发放到银行卡。',
    categoryCode: '1002',
    departmentCode: 'MZJ',
    source: '《示范市高龄津贴发放办法》',
  },
  {
    title: '失业保险金怎么领取',
    body: '参加失业保险且缴费满1年、非因本人意愿中断就业、已办理失业登记并有求职要求的，可申领失业保险金。持身份证和解除劳动合同证明到户籍地或常住地公共就业服务机构申请，或在“示范人社”App线上申领；缴费满1年不满5年的，最长领取12个月。',
    categoryCode: '0503',
    departmentCode: 'RSJ',
    source: '《失业保险条例》',
  },
  {
    title: '退休人员养老金资格认证怎么做',
    body: '领取养老金的退休人员每年做一次领取资格认证。可在“示范人社”App或“国家社会保险公共服务平台”刷脸认证，也可到社区服务站由工作人员协助认证；行动不便的，可申请工作人员上门认证。超过12个月未认证的，暂停发放养老金，认证后恢复并补发。',
    categoryCode: '0505',
    departmentCode: 'RSJ',
    source: '《社会保险待遇领取资格认证经办规程》',
  },
  {
    title: '停电了怎么报修',
    body: '计划停电会提前7天在“示范供电”公众号和小区公告栏公告。突发停电的，先看看是否只是自家跳闸；整栋或整个小区停电的，拨打供电服务热线95598报修，城区抢修人员45分钟内到场。',
    categoryCode: '1202',
    departmentCode: 'GDGS',
    source: '示范供电公司供电服务承诺',
  },
  {
    title: '中小学入学报名需要什么材料',
    body: '义务教育阶段入学实行网上报名：每年5月在“示范市义务教育入学服务平台”填报。需准备：儿童户口簿、父母身份证、房产证或经备案的租赁合同；非本市户籍的还需居住证。报名结果6月底在平台公布。',
    categoryCode: '0401',
    departmentCode: 'JYJ',
    source: '示范市义务教育招生入学工作实施意见',
  },
  {
    title: '个体工商户营业执照怎么办理',
    body: '开办个体工商户，可登录“示范市企业开办一网通办”平台在线申请，或持经营者身份证和经营场所使用证明到区政务服务中心市场监管窗口办理，材料齐全的当场发照，不收费。',
    categoryCode: '0602',
    departmentCode: 'XZSPJ',
    source: '《促进个体工商户发展条例》',
  },
];

/** Words the demo city's citizens use for the same thing. */
export const demoSynonyms: string[][] = [
  ['公积金', '住房公积金'],
  ['医保', '医疗保险'],
  ['暖气', '供暖', '暖气片'],
  ['拖欠工资', '欠薪', '不发工资'],
  ['身份证', '居民身份证'],
  ['养老金', '退休金', '退休工资'],
  ['高龄津贴', '高龄补贴'],
  ['材料', '资料'],
  ['申领', '申请', '领取'],
  ['上户口', '落户', '户口登记'],
];
