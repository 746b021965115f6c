import { describe, expect, it } from 'vitest';
import { assessUrgency } from './urgency.ts';

describe('assessUrgency', () => {
  it('should flag a gas leak as urgent and show the words that say so', () => {
    const text = '三单元楼道里有很重的煤气味，担心爆炸';
    const urgency = assessUrgency(text);
    expect(urgency.priority).toBe('urgent');
    expect(urgency.flags).toEqual([{ danger: 'gas_leak', evidence: '煤气味', start: 10, end: 13 }]);
    expect(text.slice(10, 13)).toBe('煤气味');
  });

  it('should raise a risk to high and a risk near children to urgent', () => {
    expect(assessUrgency('护栏锈迹斑斑，随时可能倒塌').priority).toBe('high');
    const nearSchool = assessUrgency('幼儿园门口的井盖破损，存在安全隐患');
    expect(nearSchool.priority).toBe('urgent');
    expect(nearSchool.flags.map((f) => f.danger).sort()).toEqual(['injury', 'vulnerable_people']);
  });

  it('should not flag ordinary complaints, a children mention alone, or a negated danger', () => {
    for (const text of ['小区路灯不亮已经一周', '孩子上学的学校食堂价格太贵', '维修人员检查后没有漏气']) {
      expect(assessUrgency(text), text).toEqual({ priority: 'normal', flags: [] });
    }
  });

  it('should read English 311 text and traditional characters', () => {
    expect(assessUrgency('Downed wire sparking on the sidewalk').flags[0]?.danger).toBe('live_wire');
    expect(assessUrgency('樓下商鋪起火了').priority).toBe('urgent');
  });
});
