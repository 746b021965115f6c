import { describe, expect, it } from 'vitest';
import {
  buildGazetteer,
  extractPlaces,
  foldText,
  type GazetteerEntry,
  learnPlaceNames,
  type PlaceMention,
  placeText,
} from './places.ts';

const DISTRICTS: GazetteerEntry[] = [
  { name: '芙蓉区', aliases: ['A1区'], areaCode: '430102', level: 'district' },
  { name: '天心区', aliases: ['A2区'], areaCode: '430103', level: 'district' },
  { name: '岳麓区', aliases: ['A3区'], areaCode: '430104', level: 'district' },
  { name: '长沙县', aliases: ['A7县'], areaCode: '430121', level: 'district' },
];
const CITY: GazetteerEntry[] = [
  ...DISTRICTS,
  { name: '定王台街道', areaCode: '430102001', level: 'street', parentCode: '430102' },
  { name: '韭菜园社区', areaCode: '430102001001', level: 'community', parentCode: '430102001' },
];
const gazetteer = buildGazetteer(CITY);

const named = (mentions: PlaceMention[]) => mentions.map((m) => `${m.kind}:${m.text}`);

describe('extractPlaces', () => {
  it('should find district names and aliases with offsets into the original text', () => {
    const text = '反映A1区和天心区的问题';
    const mentions = extractPlaces(text, gazetteer);
    expect(mentions).toEqual([
      { text: 'A1区', kind: 'district', start: 2, end: 5, areaCode: '430102' },
      { text: '天心区', kind: 'district', start: 6, end: 9, areaCode: '430103' },
    ]);
    for (const m of mentions) expect(text.slice(m.start, m.end)).toBe(m.text);
  });

  it('should match full-width and traditional writing, pointing at what was written', () => {
    const text = 'Ａ１區書院路';
    expect(foldText(text)).toHaveLength(text.length);
    expect(extractPlaces(text, gazetteer)).toEqual([
      { text: 'Ａ１區', kind: 'district', start: 0, end: 3, areaCode: '430102' },
      { text: '書院路', kind: 'road', start: 3, end: 6 },
    ]);
  });

  it('should not run a name back over the words before it', () => {
    expect(named(extractPlaces('我家位于书院路旁边', gazetteer))).toEqual(['road:书院路']);
    expect(named(extractPlaces('投诉金星路占道经营', gazetteer))).toEqual(['road:金星路']);
    expect(named(extractPlaces('我们在书院路的小区', gazetteer))).toEqual(['road:书院路']);
    expect(named(extractPlaces('关于伊景园滨河苑捆绑销售车位', gazetteer))).toEqual(['estate:伊景园', 'estate:滨河苑']);
    expect(named(extractPlaces('政府重视小区的问题', gazetteer))).toEqual([]);
  });

  it('should stop a name at the district, road or city before it', () => {
    expect(named(extractPlaces('A市万家丽南路丽发新城小区附近建搅拌站', gazetteer))).toEqual([
      'road:万家丽南路',
      'estate:丽发新城小区',
    ]);
    expect(named(extractPlaces('投诉A7县春华镇金鼎村三组的水泥路', gazetteer))).toEqual([
      'district:A7县',
      'town:春华镇',
      'village:金鼎村三组',
    ]);
  });

  it('should keep names that begin with a function character when the dictionary knows the word', () => {
    expect(named(extractPlaces('和平路和向阳路', gazetteer))).toEqual(['road:和平路', 'road:向阳路']);
  });

  it('should not take words that merely end like a place for one', () => {
    const text = '城市管理部门说这条水泥路是农村的，政府网站上也没有，我在学校门口站着';
    expect(named(extractPlaces(text, gazetteer))).toEqual([]);
  });

  it('should read a road, hill or river named after a district as that feature, not the district', () => {
    expect(named(extractPlaces('A3区大道与金星路口', gazetteer))).toEqual(['road:A3区大道', 'road:金星路']);
    expect(extractPlaces('A3区大道', gazetteer)[0]!.areaCode).toBeUndefined();
    expect(named(extractPlaces('A1区南路与A1区广场，A3区山脚', gazetteer))).toEqual([
      'road:A1区南路',
      'landmark:A1区广场',
      'landmark:A3区山',
    ]);
    expect(named(extractPlaces('A7县山水湾小区', gazetteer))).toEqual(['district:A7县', 'estate:山水湾小区']);
  });

  it('should prefer the longest known name', () => {
    const withLearned = buildGazetteer(CITY, [
      { name: '万家丽路', areaCode: '430102', count: 5, purity: 1 },
      { name: '万家丽南路', areaCode: '430103', count: 5, purity: 1 },
    ]);
    expect(extractPlaces('万家丽南路口', withLearned)).toEqual([
      { text: '万家丽南路', kind: 'road', start: 0, end: 5, areaCode: '430103' },
    ]);
  });

  it('should not match a Latin alias inside a longer code', () => {
    expect(named(extractPlaces('编号BA1区的柜子', gazetteer))).toEqual([]);
  });
});

describe('learnPlaceNames', () => {
  const history = [
    { text: 'A2区丽发新城附近搅拌站扰民' },
    { text: '天心区丽发新城停水' },
    { text: '丽发新城道路坑洼，A2区请管一管' },
    { text: 'A3区丽发新城业主（走错了区）' },
    { text: 'A1区书院路一次' },
    { text: 'A1区东风路拥堵' },
    { text: 'A3区东风路拥堵' },
    { text: '定王台街道韭菜园社区旁的人民中路', areaCode: undefined },
    { text: '五一广场扰民', areaCode: '430102001' },
    { text: '五一广场扰民', areaCode: '430102' },
  ];

  it('should keep names seen at least twice and in one district at least 70 % of the time', () => {
    const learned = learnPlaceNames(history, gazetteer);
    expect(learned).toContainEqual({ name: '丽发新城', areaCode: '430103', count: 4, purity: 0.75 });
    // A street office or community names its district; a case's own area code is taken to its district.
    expect(learned).toContainEqual({ name: '五一广场', areaCode: '430102', count: 2, purity: 1 });
    const names = learned.map((l) => l.name);
    expect(names).not.toContain('书院路'); // seen once
    expect(names).not.toContain('东风路'); // half in one district, half in another
  });

  it('should learn nothing from texts that name no district or several', () => {
    expect(learnPlaceNames([{ text: '丽发新城停水' }, { text: '丽发新城停电，A1区和A2区都不管' }], gazetteer)).toEqual(
      [],
    );
  });

  it('should not let a learned name replace the grid name of an area', () => {
    const g = buildGazetteer(CITY, [{ name: '定王台街道', areaCode: '430103', count: 9, purity: 1 }]);
    expect(extractPlaces('定王台街道', g)[0]).toMatchObject({ kind: 'street', areaCode: '430102001' });
  });
});

describe('placeText', () => {
  const learned = buildGazetteer(CITY, [
    { name: '丽发新城', areaCode: '430103', count: 9, purity: 1 },
    { name: '东风路', areaCode: '430104', count: 3, purity: 0.75 },
  ]);

  it('should place a text in the district it names, surer when named in the title', () => {
    const inTitle = placeText({ title: 'A2区某小区停水', detail: '已经三天了' }, learned);
    const inDetail = placeText({ title: '某小区停水', detail: 'A2区已经三天了' }, learned);
    expect(inTitle).toMatchObject({ areaCode: '430103', level: 'district', confidence: 0.95 });
    expect(inDetail).toMatchObject({ areaCode: '430103', level: 'district', confidence: 0.8 });
    expect(inTitle!.evidence.map((e) => e.text)).toEqual(['A2区']);
  });

  it('should let the title district win over another in the detail, at lower confidence', () => {
    const placement = placeText({ title: 'A2区某小区停水', detail: '我在A3区上班' }, learned)!;
    expect(placement.areaCode).toBe('430103');
    // P(A2) = 0.95, P(A3) = 0.8: 0.95 × 0.95 / 1.75.
    expect(placement.confidence).toBeCloseTo(0.516, 3);
  });

  it('should place by a learned name with a confidence from its purity and count', () => {
    expect(placeText({ title: '丽发新城停水', detail: '' }, learned)).toMatchObject({
      areaCode: '430103',
      confidence: 0.9, // purity 1 × 9/10
    });
    // 0.75 × 3/4 × 0.9 in the detail.
    expect(placeText({ title: '拥堵', detail: '东风路' }, learned)!.confidence).toBeCloseTo(0.506, 3);
  });

  it('should place in the most specific area named within the district', () => {
    const placement = placeText('芙蓉区定王台街道韭菜园社区门口', learned)!;
    expect(placement).toMatchObject({ areaCode: '430102001001', level: 'community', district: '430102' });
    // Three names for one district: 1 − 0.2³.
    expect(placement.confidence).toBeCloseTo(0.992, 3);
  });

  it('should give offsets into the title, a line break and the detail', () => {
    const text = { title: '停水', detail: '天心区' };
    const [mention] = placeText(text, learned)!.evidence;
    expect(`${text.title}\n${text.detail}`.slice(mention!.start, mention!.end)).toBe('天心区');
  });

  it('should return null when nothing in the text places it', () => {
    expect(placeText({ title: '咨询退休年龄', detail: '书院路上的社保局' }, learned)).toBeNull();
    expect(placeText('', learned)).toBeNull();
  });
});
