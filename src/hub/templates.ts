/**
 * How a source's files map onto historical cases: which columns hold the id, the times, the status, the
 * category, the text and the point, in what time zone its times without an offset are, which statuses
 * mean closed, and rules that propose a category for each of the source's own category values. The rules
 * only seed the mapping table (`category_mappings`); staff can change a mapping there, and a mapping once
 * made is what later imports use.
 */
export interface CaseHistoryMapping {
  kind: 'case_history';
  dataset: { slug: string; titleZh: string; titleEn: string; description: string; licence: string; coverage: string };
  timeZone: string;
  columns: {
    id: string;
    createdAt: string;
    closedAt?: string;
    status?: string;
    /** Joined with " / " into the value the category mapping is keyed on. */
    category: string[];
    /** Joined with " · " into the case's title. */
    title: string[];
    description?: string[];
    address?: string;
    latitude?: string;
    longitude?: string;
  };
  /** Source statuses (case-insensitive) that mean the case was closed there. */
  closedStatuses: string[];
  /** Source statuses that mean the record never was a case (cancelled, a duplicate): not imported. */
  skippedStatuses?: string[];
  /** Tried in order on the category value; `category` is a path of Chinese names, level 1 to 3. */
  categoryRules: { match: string; category: string }[];
  fallbackCategory: string;
}

const US_RULES: CaseHistoryMapping['categoryRules'] = [
  { match: '\\bnoise\\b', category: '环境保护/环境污染/噪音污染' },
  { match: 'graffiti', category: '城乡建设/城市建设和市政管理/城管执法' },
  {
    match: 'bulky|dumping|electronic waste|appliance|sanitation|litter|dirty|trash|missed collection',
    category: '城乡建设/城市建设和市政管理/环境卫生',
  },
  { match: 'homeless|encampment', category: '民政/社会救助/其他' },
  { match: 'streetlight|street light', category: '城乡建设/城市建设和市政管理/城市公共设施' },
  { match: '\\btrees?\\b|\\bpark\\b|branches', category: '城乡建设/城市建设和市政管理/园林绿化' },
  { match: 'sewer|water', category: '城乡建设/城市建设和市政管理/自来水供应' },
  {
    match: 'street condition|sidewalk|curb|highway|pothole|street defect|street sign|meter|signal',
    category: '城乡建设/城市建设和市政管理/基础设施',
  },
  { match: 'parking|driveway|derelict vehicle|abandoned vehicle|traffic', category: '政法/交通管理/交通安全管理' },
  { match: 'taxi', category: '交通运输/出租车管理/行业监管' },
  { match: 'muni|mta|bus|transit', category: '城乡建设/城市建设和市政管理/公共汽车' },
  { match: 'food|restaurant', category: '卫生计生/食品药品监管/食品安全' },
  { match: 'air quality|smoking|odor|asbestos', category: '环境保护/环境污染/大气污染' },
  { match: 'dead animal|animal', category: '农村农业/动物防疫/其他' },
  { match: 'consumer|vending', category: '商贸旅游/市场监管/其他' },
  { match: 'heat|hot water|heating', category: '城乡建设/城市建设和市政管理/冬季采暖' },
  { match: 'housing|tenant|landlord|sfha|building|plumbing|paint', category: '城乡建设/住房保障与房地产/其他' },
];

export const CASE_HISTORY_TEMPLATES: Record<string, CaseHistoryMapping> = {
  nyc311: {
    kind: 'case_history',
    dataset: {
      slug: 'nyc-311-history',
      titleZh: '纽约市 311 历史诉求',
      titleEn: 'New York City 311 service requests (history)',
      description: 'NYC Open Data 311 Service Requests, imported as historical cases.',
      licence: 'NYC Open Data terms of use',
      coverage: 'New York City',
    },
    timeZone: 'America/New_York',
    columns: {
      id: 'Unique Key',
      createdAt: 'Created Date',
      closedAt: 'Closed Date',
      status: 'Status',
      category: ['Complaint Type'],
      title: ['Complaint Type', 'Descriptor'],
      description: ['Descriptor', 'Resolution Description'],
      address: 'Incident Address',
      latitude: 'Latitude',
      longitude: 'Longitude',
    },
    closedStatuses: ['closed'],
    categoryRules: US_RULES,
    fallbackCategory: '城乡建设/其他/其他',
  },
  sf311: {
    kind: 'case_history',
    dataset: {
      slug: 'sf-311-history',
      titleZh: '旧金山 311 历史诉求',
      titleEn: 'San Francisco 311 cases (history)',
      description: 'San Francisco 311 cases (DataSF, BigQuery public export), imported as historical cases.',
      licence: 'ODC-PDDL',
      coverage: 'San Francisco',
    },
    timeZone: 'America/Los_Angeles',
    columns: {
      id: 'unique_key',
      createdAt: 'created_date',
      closedAt: 'closed_date',
      status: 'status',
      category: ['category'],
      title: ['category', 'descriptor'],
      description: ['complaint_type', 'descriptor', 'status_notes'],
      address: 'incident_address',
      latitude: 'latitude',
      longitude: 'longitude',
    },
    closedStatuses: ['closed'],
    categoryRules: US_RULES,
    fallbackCategory: '城乡建设/其他/其他',
  },
  la311: {
    kind: 'case_history',
    dataset: {
      slug: 'la-311-history',
      titleZh: '洛杉矶 MyLA311 历史诉求',
      titleEn: 'Los Angeles MyLA311 service requests (history)',
      description: 'MyLA311 service requests, imported as historical cases.',
      licence: 'Los Angeles Open Data terms of use',
      coverage: 'Los Angeles',
    },
    timeZone: 'America/Los_Angeles',
    columns: {
      id: 'SRNumber',
      createdAt: 'CreatedDate',
      closedAt: 'ClosedDate',
      status: 'Status',
      category: ['RequestType'],
      title: ['RequestType', 'Address'],
      description: ['RequestType', 'RequestSource', 'ActionTaken'],
      address: 'Address',
      latitude: 'Latitude',
      longitude: 'Longitude',
    },
    closedStatuses: ['closed', 'referred out'],
    skippedStatuses: ['cancelled'],
    categoryRules: US_RULES,
    fallbackCategory: '城乡建设/其他/其他',
  },
  // The 12345 platform's message exports (TipDM Cup 2020 files): a message answered (答复时间) is closed.
  teddycup: {
    kind: 'case_history',
    dataset: {
      slug: 'citizen-messages-history',
      titleZh: '市民留言历史数据',
      titleEn: 'Citizen messages to the city government (history)',
      description: 'Messages written to the city government’s message board, with replies where given.',
      licence: 'research use',
      coverage: 'A市',
    },
    timeZone: 'Asia/Shanghai',
    columns: {
      id: '留言编号',
      createdAt: '留言时间',
      closedAt: '答复时间',
      category: ['一级分类'],
      title: ['留言主题'],
      description: ['留言详情'],
    },
    closedStatuses: [],
    categoryRules: [
      { match: '^(城乡建设|环境保护|交通运输|教育文体|劳动和社会保障|商贸旅游|卫生计生)$', category: '$1/其他/其他' },
    ],
    fallbackCategory: '城乡建设/其他/其他',
  },
};
