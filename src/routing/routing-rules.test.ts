import { describe, expect, it } from 'vitest';
import { mostSpecificRule, type RoutingRule, ruleApplies } from './routing-rules.ts';

const rule = (over: Partial<RoutingRule>): RoutingRule => ({
  id: over.id ?? 'r',
  categoryCode: null,
  areaCode: null,
  window: null,
  leadBodyId: 'body',
  assistingBodyIds: [],
  note: null,
  updatedAt: new Date('2026-11-01T00:00:00Z'),
  ...over,
});
const question = { categoryCode: '010203', gridCode: '430102001002003', localTime: '10:00' };

describe('routing rules', () => {
  it('should match by category subtree, area subtree and time of day, empty fields matching anything', () => {
    expect(ruleApplies(rule({}), question)).toBe(true);
    expect(ruleApplies(rule({ categoryCode: '01' }), question)).toBe(true);
    expect(ruleApplies(rule({ categoryCode: '0103' }), question)).toBe(false);
    expect(ruleApplies(rule({ areaCode: '430102001' }), question)).toBe(true);
    expect(ruleApplies(rule({ areaCode: '430103' }), question)).toBe(false);
    expect(ruleApplies(rule({ areaCode: '430102' }), { ...question, gridCode: null })).toBe(false);
  });

  it('should read a time window that wraps midnight, the end being exclusive', () => {
    const night = rule({ window: { start: '22:00', end: '06:00' } });
    for (const [time, inside] of [
      ['21:59', false],
      ['22:00', true],
      ['23:30', true],
      ['00:00', true],
      ['05:59', true],
      ['06:00', false],
      ['12:00', false],
    ] as const) {
      expect(ruleApplies(night, { ...question, localTime: time }), time).toBe(inside);
    }
    const office = rule({ window: { start: '09:00', end: '18:00' } });
    expect(ruleApplies(office, { ...question, localTime: '17:59' })).toBe(true);
    expect(ruleApplies(office, { ...question, localTime: '18:00' })).toBe(false);
  });

  it('should prefer the more specific category, then the more specific area, then a time window', () => {
    const rules = [
      rule({ id: 'anything' }),
      rule({ id: 'level-1', categoryCode: '01' }),
      rule({ id: 'level-1 in district', categoryCode: '01', areaCode: '430102' }),
      rule({ id: 'leaf', categoryCode: '010203' }),
      rule({ id: 'leaf in street', categoryCode: '010203', areaCode: '430102001' }),
      rule({
        id: 'leaf in district by day',
        categoryCode: '010203',
        areaCode: '430102',
        window: { start: '08:00', end: '20:00' },
      }),
      rule({ id: 'other leaf in grid', categoryCode: '010204', areaCode: '430102001002003' }),
    ];
    expect(mostSpecificRule(rules, question)?.id).toBe('leaf in street');
    expect(mostSpecificRule(rules.slice(0, 4), question)?.id).toBe('leaf');
    expect(mostSpecificRule(rules.slice(0, 3), question)?.id).toBe('level-1 in district');
    expect(mostSpecificRule(rules.slice(0, 3), { ...question, gridCode: '430103000' })?.id).toBe('level-1');
    const byWindow = [
      rule({ id: 'plain', categoryCode: '0102' }),
      rule({ id: 'night', categoryCode: '0102', window: { start: '22:00', end: '06:00' } }),
    ];
    expect(mostSpecificRule(byWindow, { ...question, localTime: '23:00' })?.id).toBe('night');
    expect(mostSpecificRule(byWindow, question)?.id).toBe('plain');
    expect(mostSpecificRule([rule({ categoryCode: '02' })], question)).toBeNull();
  });

  it('should let the rule changed last win between equally specific rules', () => {
    const older = rule({ id: 'older', categoryCode: '01', updatedAt: new Date('2026-01-01') });
    const newer = rule({ id: 'newer', categoryCode: '01', updatedAt: new Date('2026-06-01') });
    expect(mostSpecificRule([older, newer], question)?.id).toBe('newer');
    expect(mostSpecificRule([newer, older], question)?.id).toBe('newer');
  });
});
