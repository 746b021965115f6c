import { describe, expect, it } from 'vitest';
import { WorkingCalendar } from '../calendar/index.ts';
import { buildIdf, judgeReply, type ReplyInput, rankReplies } from './reply-quality.ts';

// Monday 6 May 2019, 10:00 in China; replies are placed a number of days after it.
const WRITTEN = new Date('2019-05-06T10:00:00+08:00');
const daysLater = (days: number) => new Date(WRITTEN.getTime() + days * 86_400_000);

const NOISE = {
  title: '投诉A3区望月湖小区工地夜间施工噪音扰民',
  detail:
    '望月湖小区旁边的工地每天晚上施工到凌晨两点，搅拌车和打桩机噪音很大，小区居民无法休息，' +
    '多次打电话反映仍然夜间施工，希望有关部门查处夜间违规施工。',
  writtenAt: WRITTEN,
};

const FULL_REPLY =
  '网友您好！您的留言已收悉。经A3区城管局执法人员现场核查，望月湖小区旁的工地确实存在夜间违规施工的情况。' +
  '我局已责令施工单位立即停止夜间施工，并对其处以罚款，要求夜间22时至次日6时不得进行产生噪音的作业。' +
  '目前该工地已按要求调整施工时间，执法中队将在5月底前每晚巡查。' +
  '如再发现夜间施工，请拨打A3区城管局值班电话0731-88886666，联系人：王科长。感谢您对我们工作的支持！';

const FORWARDED_ONLY = '网友您好！您的留言已收悉，已转交相关部门处理。';

// A careful reply, but to another message: about street lights on a road nowhere near 望月湖.
const STREET_LIGHTS =
  '网友您好！经A5区住建局现场查看，洞井路的路灯因电缆老化损坏，已安排维修单位更换电缆并修复路灯，' +
  '目前路灯已全部恢复照明。如有疑问，请致电0731-85551234。';

const noiseReply = (reply: string, repliedAt?: Date): ReplyInput => ({ ...NOISE, reply, repliedAt });

describe('judgeReply', () => {
  it('should rank a reply that says what was checked, done, when and whom to call above one that only passes the message on', () => {
    const full = judgeReply(noiseReply(FULL_REPLY, daysLater(3)));
    const forwarded = judgeReply(noiseReply(FORWARDED_ONLY, daysLater(3)));

    expect(full.score).toBeGreaterThan(80);
    expect(forwarded.score).toBeLessThan(45);
    expect(full.score - forwarded.score).toBeGreaterThan(40);
    expect(full.parts.completeness).toBe(1);
    for (const element of ['acknowledges', 'checked', 'action', 'when', 'contact'] as const) {
      expect(full.elements[element].found, element).toBe(true);
    }
    expect(full.elements.checked.evidence).toContain('现场核查');
    expect(full.elements.action.evidence).toContain('责令');
    expect(full.elements.contact.evidence).toContain('0731-88886666');
  });

  it('should not read a hand-over to another department as a check or an action', () => {
    const judged = judgeReply(noiseReply('您好，您反映的问题已转交A3区城管局核实处理，谢谢。', daysLater(1)));
    expect(judged.elements.checked.found).toBe(false);
    expect(judged.elements.action.found).toBe(false);
    expect(judged.reasons.zh[0]).toBe('仅称已转交或正在处理，无实质答复');
    expect(judged.reasons.en[0]).toBe('only says it was passed on or is being handled; no answer');
  });

  it('should not take "could not check" for a check', () => {
    const judged = judgeReply(
      noiseReply('您好！因您未留下联系方式，我们无法核实工地夜间施工的具体情况。', daysLater(1)),
    );
    expect(judged.elements.checked.found).toBe(false);
    expect(judged.reasons.zh).toContain('未说明核查情况');
  });

  it('should score an off-topic reply low on relevance, however complete it is', () => {
    const idf = buildIdf([`${NOISE.title} ${NOISE.detail}`, FULL_REPLY, STREET_LIGHTS, FORWARDED_ONLY]);
    const onTopic = judgeReply(noiseReply(FULL_REPLY, daysLater(3)), { idf });
    const offTopic = judgeReply(noiseReply(STREET_LIGHTS, daysLater(3)), { idf });

    expect(offTopic.parts.completeness).toBeGreaterThan(0.8);
    expect(offTopic.parts.relevance).toBeLessThan(0.2);
    expect(onTopic.parts.relevance).toBeGreaterThan(0.6);
    expect(offTopic.reasons.zh[0]).toMatch(/^答复与留言内容关联度低/);
    expect(offTopic.score).toBeLessThan(onTopic.score);
  });

  it('should also tell relevance apart without word weights, by plain term overlap', () => {
    const onTopic = judgeReply(noiseReply(FULL_REPLY, daysLater(3)));
    const offTopic = judgeReply(noiseReply(STREET_LIGHTS, daysLater(3)));
    expect(onTopic.parts.relevance).toBeGreaterThan(offTopic.parts.relevance + 0.3);
  });

  it('should not count a quoted title as relevance', () => {
    const echo = judgeReply(
      noiseReply('关于“投诉A3区望月湖小区工地夜间施工噪音扰民”一事，我们会认真对待。', daysLater(1)),
    );
    expect(echo.parts.relevance).toBeLessThan(0.2);
  });

  it('should not take the date a reply was signed for a timeline', () => {
    const signed = judgeReply(noiseReply('网友您好！您的留言已收悉，已转交相关部门处理。2019年5月8日', daysLater(2)));
    expect(signed.elements.when.found).toBe(false);
  });

  it('should count working days without the weekend', () => {
    // Friday 17:00 to Monday 17:00: one hour on Friday and seven on Monday make one working day.
    const friday = new Date('2019-05-10T17:00:00+08:00');
    const monday = new Date('2019-05-13T17:00:00+08:00');
    const judged = judgeReply({ ...NOISE, writtenAt: friday, reply: FULL_REPLY, repliedAt: monday });
    expect(judged.workingDays).toBe(1);
    expect(judged.holidaysCounted).toBe(false);
  });

  it('should skip public holidays when the calendar has them', () => {
    // Tuesday 30 April 2019 10:00 to Monday 6 May 10:00 spans the May Day holiday (1–4 May) and
    // Sunday 5 May, an adjusted working day: 30 April and 5 May count, 1–4 May do not.
    const calendar = new WorkingCalendar({
      timeZone: 'Asia/Shanghai',
      days: [
        ...['2019-05-01', '2019-05-02', '2019-05-03', '2019-05-04'].map((date) => ({
          date,
          kind: 'holiday' as const,
          nameZh: '劳动节',
          nameEn: 'Labour Day',
        })),
        { date: '2019-05-05', kind: 'workday', nameZh: '劳动节调休上班', nameEn: 'Labour Day adjusted working day' },
      ],
    });
    const input = {
      ...NOISE,
      writtenAt: new Date('2019-04-30T10:00:00+08:00'),
      reply: FULL_REPLY,
      repliedAt: new Date('2019-05-06T10:00:00+08:00'),
    };
    expect(judgeReply(input).workingDays).toBe(4);
    const withHolidays = judgeReply(input, { calendar });
    expect(withHolidays.workingDays).toBe(2);
    expect(withHolidays.holidaysCounted).toBe(true);
  });

  it('should give full timeliness within 5 working days, 0.7 at the 15-day limit and nothing from 30', () => {
    const timeliness = (days: number) => judgeReply(noiseReply(FULL_REPLY, daysLater(days))).parts.timeliness;
    // Calendar days from Monday 10:00: 7 days later is 5 working days, 21 is 15, 42 is 30.
    expect(timeliness(3)).toBe(1);
    expect(timeliness(7)).toBe(1);
    expect(timeliness(21)).toBeCloseTo(0.7, 5);
    expect(timeliness(42)).toBe(0);
    expect(timeliness(14)).toBeGreaterThan(timeliness(21)!);
    const late = judgeReply(noiseReply(FULL_REPLY, daysLater(42)));
    expect(late.reasons.zh).toContain('超过15个工作日才答复（30个工作日）');
  });

  it('should leave timeliness unknown, not zero, when the reply time is missing', () => {
    const unknown = judgeReply(noiseReply(FULL_REPLY));
    const prompt = judgeReply(noiseReply(FULL_REPLY, daysLater(1)));
    expect(unknown.parts.timeliness).toBeNull();
    expect(unknown.workingDays).toBeNull();
    expect(unknown.score).toBeGreaterThan(80);
    // The other parts keep their weights relative to each other: 0.85 of the score, scaled up to all of it.
    expect(prompt.parts.timeliness).toBe(1);
    expect(unknown.score).toBeCloseTo((prompt.score - 15) / 0.85, 0);
    expect(unknown.reasons.zh).toContain('无答复时间，未评时效');
    expect(unknown.reasons.en).toContain('no reply time, so timeliness is not scored');
  });

  it('should find a bare acknowledgement too short and mostly formulas', () => {
    const judged = judgeReply(noiseReply('网友：您好！留言已收悉', daysLater(1)));
    expect(judged.parts.readability).toBeLessThan(0.5);
    expect(judged.reasons.zh).toEqual(expect.arrayContaining(['无实质答复内容', '答复过短', '套话占一半以上']));
  });

  it('should give as many English reasons as Chinese ones', () => {
    for (const reply of [FULL_REPLY, FORWARDED_ONLY, STREET_LIGHTS, '已收悉']) {
      const { reasons } = judgeReply(noiseReply(reply, daysLater(30)));
      expect(reasons.en).toHaveLength(reasons.zh.length);
      expect(reasons.zh.length).toBeGreaterThan(0);
    }
  });
});

describe('buildIdf', () => {
  it('should weigh a word found in fewer texts more', () => {
    const idf = buildIdf(['小区噪音扰民', '小区停车收费', '小区绿化']);
    expect(idf.documents).toBe(3);
    expect(idf.weights.get('噪音')!).toBeGreaterThan(idf.weights.get('小区')!);
  });
});

describe('rankReplies', () => {
  it('should judge the records that have a reply, weakest first', () => {
    const records = [
      { id: 'full', ...noiseReply(FULL_REPLY, daysLater(2)) },
      { id: 'none', ...NOISE },
      { id: 'forwarded', ...noiseReply(FORWARDED_ONLY, daysLater(20)) },
      { id: 'off-topic', ...noiseReply(STREET_LIGHTS, daysLater(2)) },
    ];
    const ranked = rankReplies(records);
    expect(ranked.map(({ record }) => record.id)).toEqual(['forwarded', 'off-topic', 'full']);
    expect(ranked[0]!.judgement.score).toBeLessThan(ranked[1]!.judgement.score);
  });
});
