import { describe, expect, it } from 'vitest';
import { type CategoryAttribute, checkAttributeAnswers } from './category-attributes.ts';

const question = (code: string, datatype: CategoryAttribute['datatype'], more: Partial<CategoryAttribute> = {}) => ({
  code,
  datatype,
  required: false,
  descriptionZh: code,
  descriptionEn: code,
  order: 1,
  values: [],
  ...more,
});

const WHEN = question('time_of_day', 'singlevaluelist', {
  required: true,
  values: [
    { key: 'day', name: '白天' },
    { key: 'night', name: '夜间' },
  ],
});
const SOURCES = question('noise_source', 'multivaluelist', {
  values: [
    { key: 'traffic', name: '交通' },
    { key: 'business', name: '商业' },
  ],
});

describe('checkAttributeAnswers', () => {
  it('should keep the answers to what is asked and drop the rest', () => {
    expect(checkAttributeAnswers([WHEN, SOURCES], { time_of_day: 'night', colour: 'red' })).toEqual({
      answers: { time_of_day: 'night' },
      problems: [],
    });
  });

  it('should take an empty answer as none, and name a required one missing', () => {
    const { problems } = checkAttributeAnswers([WHEN], { time_of_day: ['  ', ''] });
    expect(problems).toEqual([{ code: 'time_of_day', description: expect.stringContaining('is required') }]);
  });

  it('should keep a multivaluelist as its distinct keys, and refuse a key it does not offer', () => {
    expect(checkAttributeAnswers([SOURCES], { noise_source: ['traffic', 'business', 'traffic'] }).answers).toEqual({
      noise_source: ['traffic', 'business'],
    });
    expect(checkAttributeAnswers([SOURCES], { noise_source: ['traffic', 'birds'] }).problems).toHaveLength(1);
  });

  it('should refuse two values for a singlevaluelist or a plain value', () => {
    const { problems } = checkAttributeAnswers([WHEN, question('plate', 'string')], {
      time_of_day: ['day', 'night'],
      plate: ['湘A12345', '湘A54321'],
    });
    expect(problems.map((p) => p.code)).toEqual(['time_of_day', 'plate']);
  });

  it.each([
    ['number', '72.5', true],
    ['number', '-3', true],
    ['number', '7e3', false],
    ['number', 'loud', false],
    ['datetime', '2026-12-04T20:00:00+08:00', true],
    ['datetime', '2026-12-04T12:00:00Z', true],
    ['datetime', '2026-12-04', false],
    ['datetime', '2026-13-40T25:00:00Z', false],
    ['string', 'x'.repeat(200), true],
    ['string', 'x'.repeat(201), false],
    ['text', 'x'.repeat(4000), true],
    ['text', 'x'.repeat(4001), false],
  ] as const)('should read a %s answer %#: accepted %s', (datatype, value, accepted) => {
    const { answers, problems } = checkAttributeAnswers([question('answer', datatype)], { answer: value });
    expect(problems.length === 0).toBe(accepted);
    expect(answers.answer !== undefined).toBe(accepted);
  });
});
