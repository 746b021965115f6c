/**
 * The demo city, 长沙 (Changsha), as data: its handling bodies, who handles which categories, time
 * limits, and the demo users. Department names are the city's real ones; street offices are real
 * streets of the urban districts; community committees, the property company and the volunteer team are
 * illustrative.
 */
import type { HandlingBodyType, Jurisdiction, Role } from '../organizations/index.ts';

export interface DemoBody {
  code: string;
  nameZh: string;
  nameEn: string;
  type: HandlingBodyType;
  parentCode?: string;
}

const department = (code: string, nameZh: string, nameEn: string): DemoBody => ({
  code,
  nameZh,
  nameEn,
  type: 'government_department',
});

export const DISTRICT_NAMES_EN: Record<string, string> = {
  芙蓉区: 'Furong District',
  天心区: 'Tianxin District',
  岳麓区: 'Yuelu District',
  开福区: 'Kaifu District',
  雨花区: 'Yuhua District',
  望城区: 'Wangcheng District',
  长沙县: 'Changsha County',
  浏阳市: 'Liuyang City',
  宁乡市: 'Ningxiang City',
};

export const DEMO_BODIES: DemoBody[] = [
  department('urban-management', '长沙市城市管理和综合执法局', 'Urban Management and Law Enforcement Bureau'),
  department('housing', '长沙市住房和城乡建设局', 'Housing and Urban-Rural Development Bureau'),
  department('natural-resources', '长沙市自然资源和规划局', 'Natural Resources and Planning Bureau'),
  department('ecology', '长沙市生态环境局', 'Ecology and Environment Bureau'),
  department('transport', '长沙市交通运输局', 'Transport Bureau'),
  department('public-security', '长沙市公安局', 'Public Security Bureau'),
  department('justice', '长沙市司法局', 'Justice Bureau'),
  department('education', '长沙市教育局', 'Education Bureau'),
  department('health', '长沙市卫生健康委员会', 'Health Commission'),
  department('human-resources', '长沙市人力资源和社会保障局', 'Human Resources and Social Security Bureau'),
  department('civil-affairs', '长沙市民政局', 'Civil Affairs Bureau'),
  department('market-regulation', '长沙市市场监督管理局', 'Market Regulation Administration'),
  department('agriculture', '长沙市农业农村局', 'Agriculture and Rural Affairs Bureau'),
  department('commerce', '长沙市商务局', 'Commerce Bureau'),
  department('culture-tourism', '长沙市文化旅游广电局', 'Culture, Tourism, Radio and Television Bureau'),
  department('industry-it', '长沙市工业和信息化局', 'Industry and Information Technology Bureau'),
  department('development-reform', '长沙市发展和改革委员会', 'Development and Reform Commission'),
  department('emergency', '长沙市应急管理局', 'Emergency Management Bureau'),
  department('discipline', '长沙市纪委监委', 'Commission for Discipline Inspection and Supervision'),
  department('general-office', '长沙市人民政府办公厅', 'General Office of the Municipal Government'),
  department('housing-fund', '长沙住房公积金管理中心', 'Housing Provident Fund Management Centre'),
  {
    code: 'district-430102',
    nameZh: '芙蓉区人民政府',
    nameEn: 'Furong District Government',
    type: 'district_government',
  },
  {
    code: 'district-430103',
    nameZh: '天心区人民政府',
    nameEn: 'Tianxin District Government',
    type: 'district_government',
  },
  {
    code: 'district-430104',
    nameZh: '岳麓区人民政府',
    nameEn: 'Yuelu District Government',
    type: 'district_government',
  },
  {
    code: 'district-430105',
    nameZh: '开福区人民政府',
    nameEn: 'Kaifu District Government',
    type: 'district_government',
  },
  {
    code: 'district-430111',
    nameZh: '雨花区人民政府',
    nameEn: 'Yuhua District Government',
    type: 'district_government',
  },
  {
    code: 'street-wulipai',
    nameZh: '五里牌街道办事处',
    nameEn: 'Wulipai Street Office',
    type: 'street_office',
    parentCode: 'district-430102',
  },
  {
    code: 'street-dingwangtai',
    nameZh: '定王台街道办事处',
    nameEn: 'Dingwangtai Street Office',
    type: 'street_office',
    parentCode: 'district-430102',
  },
  {
    code: 'street-pozijie',
    nameZh: '坡子街街道办事处',
    nameEn: 'Pozijie Street Office',
    type: 'street_office',
    parentCode: 'district-430103',
  },
  {
    code: 'street-juzizhou',
    nameZh: '橘子洲街道办事处',
    nameEn: 'Juzizhou Street Office',
    type: 'street_office',
    parentCode: 'district-430104',
  },
  {
    code: 'street-xiangyalu',
    nameZh: '湘雅路街道办事处',
    nameEn: 'Xiangyalu Street Office',
    type: 'street_office',
    parentCode: 'district-430105',
  },
  {
    code: 'street-houjiatang',
    nameZh: '侯家塘街道办事处',
    nameEn: 'Houjiatang Street Office',
    type: 'street_office',
    parentCode: 'district-430111',
  },
  {
    code: 'community-wulipai-1',
    nameZh: '五里牌街道示范社区居委会',
    nameEn: 'Wulipai Model Community Committee',
    type: 'community_committee',
    parentCode: 'street-wulipai',
  },
  {
    code: 'community-pozijie-1',
    nameZh: '坡子街街道示范社区居委会',
    nameEn: 'Pozijie Model Community Committee',
    type: 'community_committee',
    parentCode: 'street-pozijie',
  },
  { code: 'water-utility', nameZh: '长沙水业集团', nameEn: 'Changsha Water Group', type: 'enterprise' },
  {
    code: 'power-utility',
    nameZh: '国网长沙供电公司',
    nameEn: 'State Grid Changsha Power Supply Company',
    type: 'enterprise',
  },
  { code: 'gas-utility', nameZh: '长沙新奥燃气', nameEn: 'Changsha ENN Gas', type: 'enterprise' },
  { code: 'bus-company', nameZh: '长沙市公共交通集团', nameEn: 'Changsha Public Transport Group', type: 'enterprise' },
  {
    code: 'property-demo',
    nameZh: '长沙示范物业服务有限公司',
    nameEn: 'Demo Property Services Co.',
    type: 'enterprise',
  },
  { code: 'volunteers', nameZh: '长沙市志愿者协会', nameEn: 'Changsha Volunteers Association', type: 'ngo' },
  {
    code: 'volunteers-furong',
    nameZh: '芙蓉区社区志愿服务队',
    nameEn: 'Furong Community Volunteer Team',
    type: 'volunteer_team',
    parentCode: 'volunteers',
  },
];

/** Who handles what by default: a taxonomy path (any level) → body code. Most specific path wins. */
export const DEFAULT_BODIES: Record<string, string> = {
  城乡建设: 'housing',
  '城乡建设/城市建设和市政管理': 'urban-management',
  '城乡建设/城市建设和市政管理/自来水供应': 'water-utility',
  '城乡建设/城市建设和市政管理/电力供应': 'power-utility',
  '城乡建设/城市建设和市政管理/燃气供应': 'gas-utility',
  '城乡建设/城市建设和市政管理/公共汽车': 'bus-company',
  '城乡建设/城市建设和市政管理/小区管理': 'community-wulipai-1',
  '城乡建设/城乡规划': 'natural-resources',
  '城乡建设/安全生产': 'emergency',
  '城乡建设/住房保障与房地产/住房公积金': 'housing-fund',
  '城乡建设/住房保障与房地产/物业服务': 'property-demo',
  交通运输: 'transport',
  党务政务: 'general-office',
  农村农业: 'agriculture',
  劳动和社会保障: 'human-resources',
  '劳动和社会保障/工资福利/住房公积金': 'housing-fund',
  卫生计生: 'health',
  '卫生计生/食品药品监管': 'market-regulation',
  商贸旅游: 'commerce',
  '商贸旅游/市场监管': 'market-regulation',
  '商贸旅游/质监检验检疫': 'market-regulation',
  '商贸旅游/旅游管理': 'culture-tourism',
  国土资源: 'natural-resources',
  政法: 'public-security',
  '政法/法律服务': 'justice',
  '政法/仲裁与调解': 'justice',
  教育文体: 'education',
  '教育文体/文化': 'culture-tourism',
  '教育文体/文物管理': 'culture-tourism',
  民政: 'civil-affairs',
  环境保护: 'ecology',
  科技与信息产业: 'industry-it',
  纪检监察: 'discipline',
  经济管理: 'development-reform',
  '经济管理/安全生产': 'emergency',
};

/** Time limits per leaf: urgent safety matters are short, policy and supervision matters long. */
export function demoTimeLimits(path: string): { responseLimitHours: number; handlingLimitDays: number } {
  if (/安全隐患|事故处理|消防安全|燃气供应|电力供应|自来水供应|突发公共卫生事件/.test(path)) {
    return { responseLimitHours: 1, handlingLimitDays: 1 };
  }
  if (/^(党务政务|纪检监察)|政策|规划/.test(path)) return { responseLimitHours: 4, handlingLimitDays: 15 };
  return { responseLimitHours: 2, handlingLimitDays: 5 };
}

export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  bodyCode?: string;
  /** Staff placed by area: the whole city, or the areas they work in. */
  reach?: Jurisdiction;
  /** A citizen's mobile number: they sign in with it. */
  phone?: string;
}

const GRID_WORKERS = [
  { district: '430102', displayName: '王网格 (芙蓉区)' },
  { district: '430103', displayName: '赵网格 (天心区)' },
  { district: '430104', displayName: '孙网格 (岳麓区)' },
  { district: '430105', displayName: '周网格 (开福区)' },
  { district: '430111', displayName: '吴网格 (雨花区)' },
  { district: '430112', displayName: '郑网格 (望城区)' },
  { district: '430121', displayName: '冯网格 (长沙县)' },
  { district: '430181', displayName: '陈网格 (浏阳市)' },
  { district: '430182', displayName: '褚网格 (宁乡市)' },
];

/**
 * The password of every demo user, shown on the sign-in page while DEMO_SIGN_IN is on. Demo citizens
 * can also sign in by phone with a code (the code is written to the server's log in development).
 */
export const DEMO_PASSWORD = 'Demo-2026-civicgrid';

/** The people one can sign in as. Every handling body that receives demo cases has a handler. */
export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', displayName: '系统管理员 Admin', role: 'admin', reach: 'city' },
  { username: 'dispatcher', displayName: '张调度 (12345)', role: 'dispatcher', reach: 'city' },
  { username: 'supervisor', displayName: '李督办', role: 'supervisor', reach: 'city' },
  // One grid worker per district; the first, 王网格, patrols 芙蓉区.
  ...GRID_WORKERS.map(({ district, displayName }, i) => ({
    username: i === 0 ? 'gridworker' : `gridworker.${district}`,
    displayName,
    role: 'grid_worker' as const,
    reach: [district],
  })),
  { username: 'citizen', displayName: '陈市民', role: 'citizen', phone: '13800138000' },
  { username: 'citizen2', displayName: '刘市民', role: 'citizen', phone: '13800138001' },
  { username: 'steward', displayName: '周数据 (数据管理员)', role: 'data_steward', reach: 'city' },
  { username: 'auditor', displayName: '吴审计', role: 'auditor', reach: 'city' },
  ...DEMO_BODIES.map((b) => ({
    username: `handler.${b.code}`,
    displayName: `${b.nameZh} 承办人`,
    role: 'handler' as const,
    bodyCode: b.code,
  })),
];
