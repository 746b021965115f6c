import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Language = 'zh-CN' | 'en';

const zh = {
  appName: 'CivicGrid 城市网格治理',
  signIn: '登录',
  signOut: '退出',
  signInAs: '以演示用户身份登录',
  signInHint: '演示环境：选择一个角色体验案件闭环。',
  cases: '案件',
  newCase: '新建案件',
  apiDocs: 'API 文档',
  filters: '筛选',
  allStatuses: '全部状态',
  allCategories: '全部类别',
  allBodies: '全部承办单位',
  allChannels: '全部渠道',
  search: '搜索标题或内容',
  from: '起始日期',
  to: '截止日期',
  apply: '查询',
  reset: '重置',
  loadMore: '加载更多',
  noCases: '没有符合条件的案件',
  caseNumber: '案件编号',
  title: '标题',
  description: '描述',
  category: '类别',
  status: '状态',
  channel: '渠道',
  priority: '紧急程度',
  body: '承办单位',
  createdAt: '上报时间',
  address: '地址',
  location: '位置 (WGS-84 经度, 纬度)',
  longitude: '经度',
  latitude: '纬度',
  district: '所在区域',
  timeline: '办理过程',
  actions: '可执行操作',
  noActions: '您当前没有可执行的操作',
  note: '说明',
  reviewDate: '复核日期',
  submit: '提交',
  cancel: '取消',
  reporter: '诉求人（个人信息单独保护）',
  reporterName: '姓名',
  reporterPhone: '电话',
  level1: '一级分类',
  level2: '二级分类',
  level3: '三级分类',
  choose: '请选择',
  created: '案件已创建',
  reworkCount: '返工次数',
  suggested: '建议',
  loading: '加载中…',
  back: '返回列表',
  language: 'English',
  byRole: '角色',
  system: '系统',
  required: '必填',
} as const;

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  appName: 'CivicGrid city grid governance',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signInAs: 'Sign in as a demo user',
  signInHint: 'Demo: pick a role to walk a case around the loop.',
  cases: 'Cases',
  newCase: 'New case',
  apiDocs: 'API docs',
  filters: 'Filters',
  allStatuses: 'All statuses',
  allCategories: 'All categories',
  allBodies: 'All handling bodies',
  allChannels: 'All channels',
  search: 'Search title or text',
  from: 'From',
  to: 'To',
  apply: 'Search',
  reset: 'Reset',
  loadMore: 'Load more',
  noCases: 'No cases match',
  caseNumber: 'Case number',
  title: 'Title',
  description: 'Description',
  category: 'Category',
  status: 'Status',
  channel: 'Channel',
  priority: 'Priority',
  body: 'Handling body',
  createdAt: 'Reported',
  address: 'Address',
  location: 'Location (WGS-84 longitude, latitude)',
  longitude: 'Longitude',
  latitude: 'Latitude',
  district: 'Area',
  timeline: 'History',
  actions: 'Actions',
  noActions: 'Nothing for you to do on this case now',
  note: 'Note',
  reviewDate: 'Review date',
  submit: 'Submit',
  cancel: 'Cancel',
  reporter: 'Reporter (personal data, kept apart)',
  reporterName: 'Name',
  reporterPhone: 'Phone',
  level1: 'Level 1',
  level2: 'Level 2',
  level3: 'Level 3',
  choose: 'Choose',
  created: 'Case created',
  reworkCount: 'Rework',
  suggested: 'suggested',
  loading: 'Loading…',
  back: 'Back to the list',
  language: '中文',
  byRole: 'Role',
  system: 'System',
  required: 'required',
};

/** Labels of the API's enumerations (statuses, actions, channels…), by language. */
const terms: Record<Language, Record<string, string>> = {
  'zh-CN': {
    reported: '已上报', registered: '已立案', cancelled: '已作废', dispatched: '已派遣', in_progress: '处理中',
    returned: '已回退', handled: '已处理', verified: '已核查', closed: '已结案', reopened: '已重启', suspended: '挂账',
    report: '上报', register: '立案', cancel: '作废', dispatch: '派遣', accept: '签收', return: '回退', handle: '处理反馈',
    verify_pass: '核查通过', verify_fail: '核查不通过（返工）', close: '结案', reopen: '重新打开', suspend: '挂账', resume: '恢复办理',
    web: '网站', hotline: '12345 热线', grid_patrol: '网格巡查', open311: 'Open311', import: '导入', sensor: '传感器',
    low: '低', normal: '一般', high: '紧急', urgent: '特急',
    citizen: '市民', dispatcher: '调度员', handler: '承办人', grid_worker: '网格员', supervisor: '督办员', admin: '管理员',
  },
  en: {
    reported: 'Reported', registered: 'Registered', cancelled: 'Cancelled', dispatched: 'Dispatched', in_progress: 'In progress',
    returned: 'Returned', handled: 'Handled', verified: 'Verified', closed: 'Closed', reopened: 'Reopened', suspended: 'Suspended',
    report: 'Report', register: 'Register', cancel: 'Cancel', dispatch: 'Dispatch', accept: 'Accept', return: 'Return', handle: 'Mark handled',
    verify_pass: 'Verify: solved', verify_fail: 'Verify: not solved (rework)', close: 'Close', reopen: 'Reopen', suspend: 'Suspend', resume: 'Resume',
    web: 'Web', hotline: '12345 hotline', grid_patrol: 'Grid patrol', open311: 'Open311', import: 'Import', sensor: 'Sensor',
    low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent',
    citizen: 'Citizen', dispatcher: 'Dispatcher', handler: 'Handler', grid_worker: 'Grid worker', supervisor: 'Supervisor', admin: 'Administrator',
  },
};

export interface Translator {
  language: Language;
  t(key: MessageKey): string;
  /** Label of an API term (status, action, channel, priority, role). */
  term(value: string): string;
  /** Picks the zh-CN or English name of a thing that has both. */
  name(thing: { nameZh: string; nameEn: string }): string;
  date(value: string): string;
}

export function translator(language: Language): Translator {
  const messages = language === 'zh-CN' ? zh : en;
  const format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' });
  return {
    language,
    t: (key) => messages[key],
    term: (value) => terms[language][value] ?? value,
    name: (thing) => (language === 'zh-CN' ? thing.nameZh : thing.nameEn),
    date: (value) => format.format(new Date(value)),
  };
}

export const I18n = createContext<Translator>(translator('zh-CN'));
export const useI18n = () => useContext(I18n);
