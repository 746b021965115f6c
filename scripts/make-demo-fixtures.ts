/**
 * Builds src/demo/fixtures/messages.json, the demo city's cases, from the real citizen messages in
 * ../shared/data/teddycup2020/messages_with_votes.csv (2020 TipDM Cup problem C; see fixtures/README.md).
 *
 * Each message gets a category (a leaf of the real taxonomy: its name found in the subject, else a small
 * keyword table), a district (the anonymised "A1…A9" in the text, mapped to 长沙's nine county-level units
 * in adcode order) and a point inside that district. Run once; the output is committed.
 *   npx tsx scripts/make-demo-fixtures.ts [path/to/shared/data]
 */
import fs from 'node:fs';
import path from 'node:path';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { parse } from 'csv-parse/sync';
import gcoord from 'gcoord';

const dataDir = process.argv[2] ?? path.resolve('../shared/data');
const fixtures = path.resolve('src/demo/fixtures');
const WANTED = 320;

const taxonomy: Array<{ 一级分类: string; 二级分类: string; 三级分类: string }> = parse(
  fs.readFileSync(path.join(fixtures, 'taxonomy.csv')),
  { columns: true },
);
const messages: Array<Record<string, string>> = parse(
  fs.readFileSync(path.join(dataDir, 'teddycup2020/messages_with_votes.csv')),
  { columns: true },
);
const districts = JSON.parse(
  fs.readFileSync(path.join(fixtures, 'changsha-districts.geojson'), 'utf8'),
) as GeoJSON.FeatureCollection;

// Topic words citizens use → the leaf they belong to (level-1/level-2/level-3 names).
const KEYWORDS: Array<[RegExp, string]> = [
  [/噪音|噪声|扰民/, '环境保护/环境污染/噪音污染'],
  [/油烟|异味|臭气|粉尘|扬尘/, '环境保护/环境污染/大气污染'],
  [/污水|排污|河道|黑臭/, '环境保护/环境污染/水污染'],
  [/垃圾/, '城乡建设/城市建设和市政管理/环境卫生'],
  [/物业/, '城乡建设/住房保障与房地产/物业服务'],
  [/公积金/, '城乡建设/住房保障与房地产/住房公积金'],
  [/拆迁/, '城乡建设/国有土地上房屋征收与补偿/房屋拆迁'],
  [/违建|违章搭建/, '城乡建设/城乡规划/违章建筑'],
  [/公交/, '城乡建设/城市建设和市政管理/公共汽车'],
  [/地铁/, '城乡建设/城市建设和市政管理/地铁城铁'],
  [/停水|自来水|供水|水压/, '城乡建设/城市建设和市政管理/自来水供应'],
  [/停电|供电/, '城乡建设/城市建设和市政管理/电力供应'],
  [/燃气|天然气/, '城乡建设/城市建设和市政管理/燃气供应'],
  [/路灯|道路|马路|人行道|修路/, '城乡建设/城市建设和市政管理/城市公共设施'],
  [/停车|车位/, '城乡建设/城市建设和市政管理/居民服务设施'],
  [/绿化|树木/, '城乡建设/城市建设和市政管理/园林绿化'],
  [/小区/, '城乡建设/城市建设和市政管理/小区管理'],
  [/网约车/, '交通运输/出租车管理/网约车问题'],
  [/出租车|的士/, '交通运输/出租车管理/行业监管'],
  [/红绿灯|信号灯|交通/, '政法/交通管理/交通安全管理'],
  [/消防/, '政法/社会治安/消防安全'],
  [/电梯/, '商贸旅游/质监检验检疫/特种设备管理'],
  [/户口|落户/, '政法/户籍证件/户籍管理'],
  [/医保/, '劳动和社会保障/城镇居民社会保险/城镇居民医疗保险'],
  [/社保|养老保险/, '劳动和社会保障/城镇职工社会保险/职工养老保险'],
  [/工资|欠薪/, '劳动和社会保障/工资福利/工资发放'],
  [/医院/, '卫生计生/医政监管/医疗机构管理'],
  [/学位|入学/, '教育文体/教育体制/教育资源配置'],
  [/学校|学生|幼儿园/, '教育文体/教育行政管理/教学管理'],
];

const leafPaths = taxonomy.map((t) => `${t.一级分类}/${t.二级分类}/${t.三级分类}`);
for (const [, leaf] of KEYWORDS) if (!leafPaths.includes(leaf)) throw new Error(`unknown leaf ${leaf}`);

function categorise(subject: string): string | null {
  let best: string | null = null;
  for (const t of taxonomy) {
    const name = t.三级分类;
    if (name === '其他' || !subject.includes(name)) continue;
    if (!best || name.length > (best.split('/')[2]?.length ?? 0)) best = `${t.一级分类}/${t.二级分类}/${name}`;
  }
  return best ?? KEYWORDS.find(([pattern]) => pattern.test(subject))?.[1] ?? null;
}

// A seeded generator so the fixture is reproducible (mulberry32: four lines, no library needed).
let seed = 20261124;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A point in the district (GCJ-02 like the file), clustered around its centre the way reports are. */
function pointIn(feature: GeoJSON.Feature): [number, number] {
  const [cx, cy] = (feature.properties?.center as [number, number]) ?? [0, 0];
  for (let spread = 0.03; ; spread *= 1.5) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const p: [number, number] = [cx + gaussian() * spread, cy + gaussian() * spread];
      if (booleanPointInPolygon(p, feature.geometry as GeoJSON.MultiPolygon)) return p;
    }
  }
}

const picked = [];
for (const m of messages) {
  const subject = (m.留言主题 ?? '').trim();
  const category = categorise(subject);
  if (!category) continue;
  const text = `${subject} ${m.留言详情 ?? ''}`;
  const districtIndex = Number(/A([1-9])/.exec(text)?.[1] ?? Math.floor(random() * 9) + 1) - 1;
  const district = districts.features[districtIndex]!;
  const [lon, lat] = gcoord.transform(pointIn(district), gcoord.GCJ02, gcoord.WGS84) as [number, number];
  picked.push({
    sourceId: m.留言编号,
    reportedAt: m.留言时间,
    title: subject.slice(0, 200),
    description: (m.留言详情 ?? '').replace(/\s+/g, ' ').trim().slice(0, 2000),
    likes: Number(m.点赞数 ?? 0),
    category,
    district: String(district.properties?.adcode),
    longitude: Number(lon.toFixed(6)),
    latitude: Number(lat.toFixed(6)),
  });
  if (picked.length === WANTED) break;
}
fs.writeFileSync(path.join(fixtures, 'messages.json'), `${JSON.stringify(picked, null, 1)}\n`);
console.log(`wrote ${picked.length} messages to ${path.join(fixtures, 'messages.json')}`);
