import { describe, expect, it } from 'vitest';
import { cityDay, type HotIssue, type HotIssueMessage, heatOf, mineHotIssues, toCsv } from './hot-issues.ts';
import { buildGazetteer } from './places.ts';

const gazetteer = buildGazetteer([
  { name: '芙蓉区', aliases: ['A1区'], areaCode: 'A1', level: 'district' },
  { name: '天心区', aliases: ['A2区'], areaCode: 'A2', level: 'district' },
]);

let nextId = 1;
function message(day: string, author: string, title: string, detail: string, supports = 0): HotIssueMessage {
  return {
    id: String(nextId++),
    author,
    title,
    detail,
    writtenAt: new Date(`${day}T10:00:00+08:00`),
    supports,
    oppositions: 0,
  };
}

// One estate's night-time building noise over seven weeks, the same estate's water cuts, another estate's
// bar noise, the first estate's noise again half a year later, and messages about nothing in common.
const nightWorks = [
  message(
    '2024-03-01',
    'u1',
    '桂花苑小区旁工地夜间施工噪音扰民',
    '桂花苑小区旁边的工地每天晚上十一点以后还在施工，噪音很大，居民无法入睡。',
  ),
  message('2024-03-05', 'u2', '投诉桂花苑附近工地深夜施工', '工地深夜施工噪音扰民，孩子无法休息，请查处夜间施工。'),
  message('2024-03-20', 'u3', '桂花苑小区夜间施工噪音严重', '每晚工地施工噪音不断，严重影响桂花苑小区居民睡眠。'),
  message(
    '2024-04-15',
    'u1',
    '再次反映桂花苑小区工地夜间施工扰民',
    '上次反映的桂花苑工地夜间施工噪音还没有解决，工地依然深夜施工。',
  ),
  message('2024-04-20', 'u4', 'A1区桂花苑小区工地噪音', '桂花苑小区旁工地夜间施工，噪音扰民。'),
];
const waterCuts = [
  message('2024-03-10', 'u5', '桂花苑小区频繁停水', '桂花苑小区这个月已经停水五次，没有提前通知，居民生活不便。'),
  message(
    '2024-03-12',
    'u6',
    '桂花苑小区停水没有通知',
    '桂花苑小区又停水了，物业没有通知停水时间，自来水公司也不回复。',
  ),
];
const barNoise = [
  message('2024-03-02', 'u7', '荷花园小区楼下酒吧噪音扰民', '荷花园小区楼下新开的酒吧每晚音乐声很大，噪音扰民到凌晨。'),
  message('2024-03-08', 'u8', '投诉荷花园小区酒吧深夜噪音', '酒吧深夜播放音乐，荷花园小区居民无法休息。'),
  message('2024-03-25', 'u9', '荷花园小区酒吧音乐太吵', '荷花园小区楼下酒吧音乐噪音扰民，请求查处酒吧。'),
];
const halfAYearLater = message('2024-11-01', 'u10', '桂花苑小区工地夜间施工噪音', '又有工地夜间施工，噪音扰民。');
const unrelated = [
  message('2024-03-03', 'u11', '咨询退休年龄政策', '请问女职工退休年龄是五十岁还是五十五岁？'),
  message('2024-03-04', 'u12', '建议增加公交线路', '建议增开从火车站到大学城的公交线路。'),
  message('2024-03-06', 'u13', '医保报销比例咨询', '异地就医的医保报销比例是多少？'),
];
const all = [...nightWorks, ...waterCuts, ...barNoise, halfAYearLater, ...unrelated];
const ids = (messages: HotIssueMessage[]) => messages.map((m) => m.id).sort();

describe('mineHotIssues', () => {
  it('should group the same problem at the same place within the window, and nothing else', () => {
    const issues = mineHotIssues(all, gazetteer);
    expect(issues.map((issue) => [...issue.memberIds].sort())).toEqual([
      ids(nightWorks),
      ids(barNoise),
      ids(waterCuts),
    ]);
  });

  it('should describe an issue by its members', () => {
    const [issue] = mineHotIssues(all, gazetteer);
    expect(issue).toMatchObject({
      rank: 1,
      place: { text: '桂花苑小区', kind: 'estate', district: 'A1' },
      from: nightWorks[0]!.writtenAt,
      to: nightWorks[4]!.writtenAt,
      reporters: 4,
      supports: 0,
    });
    expect(nightWorks.map((m) => m.title)).toContain(issue!.title);
    expect(issue!.keywords).toContain('施工');
    expect(issue!.heat).toBeCloseTo(10 * Object.values(issue!.heatParts).reduce((a, b) => a + b, 0), 1);
  });

  it('should rank an issue many citizens supported above a larger one nobody did', () => {
    const supported = waterCuts.map((m) => ({ ...m, supports: 500 }));
    const issues = mineHotIssues([...nightWorks, ...supported, ...barNoise], gazetteer);
    expect(issues.map((issue) => issue.memberIds.length)).toEqual([2, 5, 3]);
    expect(issues.map((issue) => issue.rank)).toEqual([1, 2, 3]);
  });

  it('should give the same issues whatever the order of the messages', () => {
    const forwards = mineHotIssues(all, gazetteer);
    const backwards = mineHotIssues([...all].reverse(), gazetteer);
    expect(backwards).toEqual(forwards);
  });

  it('should report progress up to the total', () => {
    const calls: [number, number][] = [];
    mineHotIssues(all, gazetteer, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls.at(-1)).toEqual([all.length * 2, all.length * 2]);
    expect(calls.every(([done], i) => i === 0 || done >= calls[i - 1]![0])).toBe(true);
  });

  it('should keep the same complaint about two estates as two issues', () => {
    const complaint = (day: string, author: string, estate: string) =>
      message(day, author, `${estate}电梯频繁故障困人`, `${estate}的电梯这个月坏了三次，有老人被困，物业维修不及时。`);
    const first = [complaint('2024-05-01', 'e1', '翠竹苑'), complaint('2024-05-03', 'e2', '翠竹苑')];
    const second = [complaint('2024-05-02', 'e3', '金桂园'), complaint('2024-05-04', 'e4', '金桂园')];
    const issues = mineHotIssues([...first, ...second, ...unrelated], gazetteer);
    expect(issues.map((issue) => [...issue.memberIds].sort())).toEqual([ids(first), ids(second)]);
  });

  it('should name the district when the members name no specific place', () => {
    const fraud = [
      message(
        '2024-03-01',
        'u20',
        'A1区车贷平台集资诈骗案进展缓慢',
        '车贷平台爆雷半年，请公安机关通报集资诈骗案进展。',
      ),
      message('2024-03-09', 'u21', '请通报车贷平台集资诈骗案的进展', '车贷平台集资诈骗案立案已久，受害人不知进展。'),
    ];
    const [issue] = mineHotIssues([...fraud, ...unrelated], gazetteer);
    expect([...issue!.memberIds].sort()).toEqual(ids(fraud));
    expect(issue!.place).toEqual({ text: 'A1区', kind: 'district', district: 'A1' });
  });

  it('should find no issue in messages that share nothing', () => {
    expect(mineHotIssues(unrelated, gazetteer)).toEqual([]);
    expect(mineHotIssues([], gazetteer)).toEqual([]);
  });
});

describe('heatOf', () => {
  const day = 86_400_000;
  const base = { count: 4, reporters: 4, supports: 0, oppositions: 0, times: [0, day, 2 * day, 3 * day] };
  const total = (parts: ReturnType<typeof heatOf>) => Object.values(parts).reduce((a, b) => a + b, 0);

  it('should count distinct reporters more than repeated messages', () => {
    const oneVoice = heatOf({ ...base, reporters: 1 });
    expect(total(heatOf(base))).toBeGreaterThan(total(oneVoice));
    expect(oneVoice.repeats).toBeGreaterThan(0);
  });

  it('should warm with supports and, less, with oppositions', () => {
    const supported = total(heatOf({ ...base, supports: 100 }));
    const opposed = total(heatOf({ ...base, oppositions: 100 }));
    expect(supported).toBeGreaterThan(opposed);
    expect(opposed).toBeGreaterThan(total(heatOf(base)));
  });

  it('should make a burst hotter than the same messages over a season', () => {
    const spread = heatOf({ ...base, times: [0, 30 * day, 60 * day, 90 * day] });
    expect(heatOf(base).intensity).toBeGreaterThan(spread.intensity);
  });

  it('should add heat to a rising issue and take some from a fading one', () => {
    const rising = heatOf({ ...base, times: [0, 20 * day, 27 * day, 28 * day] });
    const fading = heatOf({ ...base, times: [0, 1 * day, 8 * day, 28 * day] });
    expect(rising.growth).toBeCloseTo(0.3 * Math.log(4 / 2), 3);
    expect(fading.growth).toBeCloseTo(0.3 * Math.log(2 / 4), 3);
    expect(heatOf(base).growth).toBe(0); // under two weeks: no trend to speak of
  });
});

describe('toCsv', () => {
  const issue: HotIssue = {
    rank: 1,
    heat: 41.5,
    heatParts: { reporters: 1, repeats: 0, engagement: 1, intensity: 1, growth: 0 },
    title: '他说"太吵了",\n请管管',
    representativeId: '7',
    place: { text: '桂花苑小区', kind: 'estate', district: 'A1' },
    from: new Date('2024-03-01T16:30:00Z'),
    to: new Date('2024-03-31T15:59:59Z'),
    memberIds: ['7', '9', '12'],
    reporters: 3,
    supports: 10,
    oppositions: 1,
    keywords: ['噪音'],
  };

  it('should write Excel-readable UTF-8 CSV with quoted fields and city dates', () => {
    const csv = toCsv([issue], new Map([['A1', '芙蓉区']]));
    expect(
      csv.startsWith(
        '\uFEFFrank,heat,title,place,district,from,to,count,reporters,supports,oppositions,member_ids\r\n',
      ),
    ).toBe(true);
    expect(csv).toBe(
      '\uFEFFrank,heat,title,place,district,from,to,count,reporters,supports,oppositions,member_ids\r\n' +
        '1,41.50,"他说""太吵了"",\n请管管",桂花苑小区,芙蓉区,2024-03-02,2024-03-31,3,3,10,1,7;9;12\r\n',
    );
  });

  it('should leave place and district empty when an issue has none', () => {
    const csv = toCsv([{ ...issue, title: '停水', place: null }]);
    expect(csv.split('\r\n')[1]).toBe('1,41.50,停水,,,2024-03-02,2024-03-31,3,3,10,1,7;9;12');
  });
});

describe('cityDay', () => {
  it('should give the calendar day in the city (UTC+8)', () => {
    expect(cityDay(new Date('2024-03-01T15:59:59Z'))).toBe('2024-03-01');
    expect(cityDay(new Date('2024-03-01T16:00:00Z'))).toBe('2024-03-02');
  });
});
