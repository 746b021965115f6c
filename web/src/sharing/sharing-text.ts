import { useI18n } from '../i18n.ts';

/** The words of data sharing between departments (数据共享), in zh-CN and English. */
const zh = {
  title: '数据共享',
  intro:
    '部门之间按目的、法律依据和期限共享数据：申请方说明所需字段和用途，数据所属部门批准（可缩减字段或期限）或说明理由拒绝。授权到期、交回或撤销后即不可再读取；每次读取都记入审计日志，涉及市民反映的案件会出现在该市民的“谁查看了我的数据”中。',
  loading: '加载中…',
  ask: '申请数据',
  dataset: '数据集',
  owner: '所属部门',
  requester: '申请部门',
  fields: '字段',
  purpose: '用途',
  legalBasis: '法律依据',
  period: '期限',
  from: '起',
  to: '止',
  state: '状态',
  actions: '操作',
  submit: '提交申请',
  chooseDataset: '选择数据集',
  mine: '我方的申请',
  toDecide: '待我方审批的申请',
  grants: '授权',
  none: '暂无',
  approve: '批准',
  approveHint: '取消勾选的字段不予授权；期限可缩短。',
  refuse: '拒绝',
  reason: '理由',
  withdraw: '撤回',
  giveBack: '交回授权',
  revoke: '撤销授权',
  preview: '读取前 20 行',
  validUntil: '有效期至',
  refusedBecause: '拒绝理由：{reason}',
  rows: '共 {total} 行',
  pending: '待审批',
  refused: '已拒绝',
  withdrawn: '已撤回',
  scheduled: '未到期限',
  active: '有效',
  expired: '已到期',
  revoked: '已撤销',
};

const en: typeof zh = {
  title: 'Data sharing',
  intro:
    "Departments share data for a purpose, on a legal basis, for a period: the requesting body names the fields and what they are for; the owning body approves (possibly fewer fields or a shorter period) or refuses with a reason. An expired, given back or revoked grant reads nothing more; every read is in the audit trail, and a read of a case a resident reported appears in that resident's “who saw my data”.",
  loading: 'Loading…',
  ask: 'Ask for data',
  dataset: 'Dataset',
  owner: 'Owner',
  requester: 'Requested by',
  fields: 'Fields',
  purpose: 'Purpose',
  legalBasis: 'Legal basis',
  period: 'Period',
  from: 'From',
  to: 'To',
  state: 'State',
  actions: 'Actions',
  submit: 'Send the request',
  chooseDataset: 'Choose a dataset',
  mine: "My body's requests",
  toDecide: 'Requests waiting for our decision',
  grants: 'Grants',
  none: 'None',
  approve: 'Approve',
  approveHint: 'Unticked fields are not granted; the period may be shortened.',
  refuse: 'Refuse',
  reason: 'Reason',
  withdraw: 'Withdraw',
  giveBack: 'Give the grant back',
  revoke: 'Revoke the grant',
  preview: 'Read the first 20 rows',
  validUntil: 'Valid until',
  refusedBecause: 'Refused: {reason}',
  rows: '{total} rows in all',
  pending: 'Waiting',
  refused: 'Refused',
  withdrawn: 'Withdrawn',
  scheduled: 'Not started',
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

export type SharingTextKey = keyof typeof zh;

/** Data sharing's words in the console's language; `{name}` placeholders filled from `values`. */
export function useSharingText() {
  const { language } = useI18n();
  const messages = language === 'zh-CN' ? zh : en;
  return (key: SharingTextKey, values: Record<string, string | number> = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}
