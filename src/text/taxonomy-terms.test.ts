import { describe, expect, it } from 'vitest';
import { TaxonomyTerms } from './taxonomy-terms.ts';

describe('TaxonomyTerms', () => {
  const terms = TaxonomyTerms.fromNames([
    { label: '商贸旅游', names: ['商贸旅游', '市场监管', '传销', '商标管理', '特种设备管理', '其他'] },
    { label: '城乡建设', names: ['城乡建设', '物业管理', '小区管理', '其他'] },
    { label: '交通运输', names: ['交通运输', '邮政管理', '出租车管理', '其他'] },
  ]);

  it('should score the class whose sub-category names the title contains, anywhere in it', () => {
    const scores = terms.scores('楚江世纪城传销好像死灰复燃');
    expect(scores[0]).toBeCloseTo(Math.log(2), 5);
    expect(scores[1]).toBe(0);
    // "邮政局" contains the term "邮政" (a word of "邮政管理"), and full-width text is normalised first.
    expect(terms.scores('Ａ7县邮政局体制改革')[2]).toBeGreaterThan(0);
  });

  it('should ignore words every branch uses ("管理", "其他") and words shared by two classes', () => {
    expect([...terms.scores('其他管理问题')]).toEqual([0, 0, 0]);
    const shared = TaxonomyTerms.fromNames([
      { label: 'a', names: ['道路维护'] },
      { label: 'b', names: ['道路维护'] },
    ]);
    expect(shared.size).toBe(0);
  });

  it('should score the same after a round trip through JSON', () => {
    const copy = TaxonomyTerms.fromJSON(JSON.parse(JSON.stringify(terms.toJSON())));
    expect([...copy.scores('小区物业不作为')]).toEqual([...terms.scores('小区物业不作为')]);
  });
});
