import { useI18n } from '../i18n.ts';

/** The sensor feeds' words (物联感知), in zh-CN and English. */
const zh = {
  title: '物联感知',
  intro:
    '积水、井盖、工地等设备上报的读数。超过阈值、变化过快或长时间无数据时，系统按设备点位自动立案（渠道：物联感知），每台设备每条规则同时只有一件未结案件。',
  loading: '加载中…',
  noDevices: '尚未登记设备',
  device: '设备',
  type: '类型',
  lastReading: '最新读数',
  measuredAt: '测量时间',
  heardAt: '最近收到',
  state: '状态',
  ok: '正常',
  silent: '无数据',
  never: '从未上报',
  counters: '计数',
  accepted: '接收 {n}',
  duplicates: '重复 {n}',
  outOfOrder: '乱序 {n}',
  malformed: '格式错误 {n}',
  refused: '签名拒收 {n}',
  openCases: '未结案件',
  none: '无',
  pending: '立案中',
  rule: '规则 {rule}',
  types: '设备类型与规则',
  above: '高于 {threshold} {unit}',
  below: '低于 {threshold} {unit}',
  rate: '每分钟变化超过 {threshold} {unit}',
  silenceLimit: '{minutes} 分钟无数据',
  register: '登记设备',
  name: '名称',
  longitude: '经度（WGS-84）',
  latitude: '纬度（WGS-84）',
  save: '登记',
  keyOnce: '设备密钥只显示这一次，请写入设备：',
  topic: 'MQTT 主题',
  noTypes: '尚无设备类型：管理员通过 POST /api/v1/sensors/device-types 登记。',
};

const en: typeof zh = {
  title: 'Sensors',
  intro:
    'Readings from flood gauges, manhole covers, construction sites and other devices. A reading above or below a threshold, changing too fast, or a device silent too long opens a case at the device’s point (channel: sensor); each device and rule holds at most one open case.',
  loading: 'Loading…',
  noDevices: 'No devices registered yet',
  device: 'Device',
  type: 'Type',
  lastReading: 'Latest reading',
  measuredAt: 'Measured',
  heardAt: 'Last heard',
  state: 'State',
  ok: 'Reporting',
  silent: 'Silent',
  never: 'Never reported',
  counters: 'Counts',
  accepted: 'accepted {n}',
  duplicates: 'duplicates {n}',
  outOfOrder: 'out of order {n}',
  malformed: 'malformed {n}',
  refused: 'refused {n}',
  openCases: 'Open cases',
  none: 'none',
  pending: 'being filed',
  rule: 'rule {rule}',
  types: 'Device types and rules',
  above: 'above {threshold} {unit}',
  below: 'below {threshold} {unit}',
  rate: 'changing faster than {threshold} {unit} a minute',
  silenceLimit: 'silent {minutes} minutes',
  register: 'Register a device',
  name: 'Name',
  longitude: 'Longitude (WGS-84)',
  latitude: 'Latitude (WGS-84)',
  save: 'Register',
  keyOnce: 'The device key is shown this once; put it into the device:',
  topic: 'MQTT topic',
  noTypes: 'No device types yet: an administrator registers them with POST /api/v1/sensors/device-types.',
};

export type SensorsTextKey = keyof typeof zh;

/** The sensor feeds' words in the console's language; `{name}` placeholders filled from `values`. */
export function useSensorsText() {
  const { language } = useI18n();
  const messages = language === 'zh-CN' ? zh : en;
  return (key: SensorsTextKey, values: Record<string, string | number> = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}
