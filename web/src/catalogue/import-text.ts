import { useI18n } from '../i18n.ts';

/** The import page's words (数据导入), in zh-CN and English. */
const zh = {
  title: '数据导入',
  intro:
    '上传其他系统的数据：12345、311 等系统的历史诉求导入为历史案件（保留原始时间与办结状态，按对照表归类，落点到网格）；人口、设施、气象等参考数据导入为独立的数据表。支持 CSV（UTF-8、GBK、UTF-16 自动识别）、XLSX、JSON、NDJSON、GeoJSON、TopoJSON。同一文件重复导入不会重复写入；中断后再次上传同一文件从中断处继续。',
  what: '导入为',
  history: '历史案件',
  reference: '参考数据',
  source: '数据来源模板',
  nyc311: '纽约 311（NYC Open Data 格式）',
  sf311: '旧金山 311（DataSF 格式）',
  la311: '洛杉矶 MyLA311',
  teddycup: '12345 留言板导出（留言编号、留言主题、留言时间…）',
  dataset: '数据集名称（英文小写、数字、- 或 _）',
  datasetTitle: '中文标题',
  key: '唯一编号所在列（可不填）',
  file: '文件',
  start: '开始导入',
  starting: '上传中…',
  running: '正在导入：已读 {read} 行',
  completed: '导入完成',
  failed: '导入失败：{error}',
  read: '读取',
  imported: '新增或变更',
  unchanged: '未变化',
  rejected: '拒收',
  unplaced: '未落点',
  rejectedWhy: '拒收原因',
  unplacedWhy: '未落点原因',
  rows: '{n} 行',
  downloadRejected: '下载拒收行（CSV）',
  openDataset: '查看数据集',
  chooseFile: '请选择文件',
};

const en: typeof zh = {
  title: 'Import data',
  intro:
    'Upload another system’s data: a 12345 or 311 history becomes historical cases (their own times and closures, categories through the mapping table, points placed on the grid); reference data (population, facilities, weather) becomes a table of its own. CSV (UTF-8, GBK or UTF-16, detected), XLSX, JSON, NDJSON, GeoJSON and TopoJSON. Importing the same file again writes nothing twice; after an interruption, uploading the same file goes on where it stopped.',
  what: 'Import as',
  history: 'Historical cases',
  reference: 'Reference data',
  source: 'Source template',
  nyc311: 'New York 311 (NYC Open Data columns)',
  sf311: 'San Francisco 311 (DataSF columns)',
  la311: 'Los Angeles MyLA311',
  teddycup: '12345 message-board export (留言编号, 留言主题, 留言时间…)',
  dataset: 'Dataset name (lower-case letters, digits, - or _)',
  datasetTitle: 'Title',
  key: 'Column holding each row’s id (optional)',
  file: 'File',
  start: 'Import',
  starting: 'Uploading…',
  running: 'Importing: {read} rows read',
  completed: 'Import completed',
  failed: 'Import failed: {error}',
  read: 'Read',
  imported: 'New or changed',
  unchanged: 'Unchanged',
  rejected: 'Rejected',
  unplaced: 'Unplaced',
  rejectedWhy: 'Why rows were rejected',
  unplacedWhy: 'Why cases are unplaced',
  rows: '{n} rows',
  downloadRejected: 'Download the rejected rows (CSV)',
  openDataset: 'Open the dataset',
  chooseFile: 'Choose a file',
};

export type ImportTextKey = keyof typeof zh;

/** The importer's reasons (src/hub: case-history.ts, values.ts, readers.ts) in Chinese; others as written. */
const REASONS_ZH: [RegExp, string][] = [
  [/^no point$/, '无坐标'],
  [/^a 0,0 point$/, '坐标为 0,0'],
  [/^a point off the globe$/, '坐标超出地球范围'],
  [/^a point outside every area$/, '坐标不在本市任何区域内'],
  [/^no id$/, '无编号'],
  [/^no title$/, '无标题'],
  [/^not a date or time in a known format$/, '日期时间格式无法识别'],
  [/^closed before it was created$/, '办结时间早于创建时间'],
  [/^closed in the source, with no closure time$/, '原系统已办结但无办结时间'],
  [/^the same id as row (\d+)$/, '与第 $1 行编号重复'],
  [/^the same id as an earlier row$/, '与前面的行编号重复'],
  [/^not a whole number$/, '不是整数'],
  [/^not a number$/, '不是数字'],
  [/^not yes or no$/, '不是是/否'],
  [/^not a GeoJSON geometry$/, '不是 GeoJSON 几何'],
  [/^the line is not valid JSON$/, '该行不是有效的 JSON'],
  [/^the line is not a JSON object$/, '该行不是 JSON 对象'],
  [/^the row has (\d+) more fields than the header$/, '该行比表头多 $1 个字段'],
];

/** A reason a row was rejected or left unplaced, in the console's language. */
export function useReasonWords() {
  const { language } = useI18n();
  return (reason: string) => {
    if (language !== 'zh-CN') return reason;
    for (const [pattern, words] of REASONS_ZH) if (pattern.test(reason)) return reason.replace(pattern, words);
    return reason;
  };
}

export function useImportText() {
  const { language } = useI18n();
  const messages = language === 'zh-CN' ? zh : en;
  return (key: ImportTextKey, values: Record<string, string | number> = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}
