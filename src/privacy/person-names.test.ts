import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPersonalData, maskPersonalData } from './detection.ts';
import { findPersonNames } from './person-names.ts';

const names = (text: string) => findPersonNames(text).map((n) => n.value);

describe('findPersonNames', () => {
  it('finds the name after a cue that introduces the writer or a contact', () => {
    expect(names('实名举报人: 彭乔松2019年12月18日')).toEqual(['彭乔松']);
    expect(names('A7县领导：我叫李正安。')).toEqual(['李正安']);
    expect(names('接待我们的销售顾问名叫王纳。')).toEqual(['王纳']);
    expect(names('大道中地凯旋城三区一号楼联系人：胡喆')).toEqual(['胡喆']);
    expect(names('语馨苑2栋102房业主，姓名刘芳志（身份证号：***')).toEqual(['刘芳志']);
  });

  it('finds the name after a role and before a form of address', () => {
    expect(names('A3区教育局局长李鸿指着地图上的一个红点说')).toEqual(['李鸿']);
    expect(names('2008年刘清静同志任江押镇中学校长')).toEqual(['刘清静']);
    expect(names('恳请胡华衡书记过问')).toEqual(['胡华衡']);
  });

  it('keeps a whole three-character name that jieba cut in two', () => {
    expect(names('尊敬的上级领导：我叫杨彪虎，性别：男')).toEqual(['杨彪虎']);
  });

  it('leaves a surname with a form of address, and names the writer already hid', () => {
    expect(names('尊敬的胡书记，高女士反映王师傅没来，请与黄先生联系')).toEqual([]);
    expect(names('廖某用铁盆敲击窗户，名叫黄某泽')).toEqual([]);
  });

  it('leaves places, shops and words after a cue that are not names', () => {
    expect(names('王府井商业街旁步步高超市，我叫停车，业主的权益')).toEqual([]);
    expect(names('局长在床单厂召集了众人，负责人明确说')).toEqual([]);
    expect(names('2008年刘清静同志任江押镇中学校长')).not.toContain('任江押');
  });
});

describe('names in maskPersonalData', () => {
  it('masks a name like a number, keeping the surname, and reports it as a person_name', () => {
    const { masked, found } = maskPersonalData('实名举报人: 彭乔松 联系电话: 13812345678');
    expect(masked).toBe('实名举报人: 彭** 联系电话: 138****5678');
    expect(found.map((f) => [f.kind, f.value])).toEqual([
      ['person_name', '彭乔松'],
      ['mobile', '13812345678'],
    ]);
  });

  it('does not find a masked name again', () => {
    const once = maskPersonalData('我叫欧阳娜娜，联系人：李正安').masked;
    expect(once).toBe('我叫欧阳**，联系人：李**');
    expect(maskPersonalData(once).masked).toBe(once);
  });
});

/**
 * Precision and recall on the hand-labelled sentences of fixtures/person-names.tsv (source, choice and
 * labelling rule in its header). A finding counts only where its span is exactly a labelled name's.
 */
describe('names in the labelled TipDM sentences', () => {
  const rows = fs
    .readFileSync(path.join(import.meta.dirname, 'fixtures/person-names.tsv'), 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .slice(1)
    .map((line) => {
      const [set, source, message, labelled, sentence] = line.split('\t') as [string, string, string, string, string];
      return { set, source, message, labelled: labelled ? labelled.split('|') : [], sentence };
    });

  it('has at least 100 sentences, with names and without', () => {
    expect(rows.length).toBeGreaterThanOrEqual(100);
    expect(rows.filter((r) => r.labelled.length).length).toBeGreaterThanOrEqual(25);
    expect(new Set(rows.map((r) => r.set))).toEqual(new Set(['tuned', 'held-out']));
  });

  it('finds the names with precision and recall no lower than measured when the detector was written', () => {
    const all = score(rows);
    for (const [name, figures] of [
      ['all', all],
      ['tuned', score(rows.filter((r) => r.set === 'tuned'))],
      ['held-out', score(rows.filter((r) => r.set === 'held-out'))],
    ] as const) {
      console.log(
        `person names, ${name}: ${figures.sentences} sentences, ${figures.labelled} labelled, ${figures.found} found, ` +
          `${figures.right} right; precision ${figures.precision.toFixed(3)}, recall ${figures.recall.toFixed(3)}\n` +
          `  wrongly masked: ${figures.wronglyMasked.join(', ') || 'none'}\n  missed: ${figures.missed.join(', ') || 'none'}`,
      );
    }
    expect(all.precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(all.recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });
});

/** Precision and recall of the names findPersonalData finds in labelled sentences (exact spans). */
function score(rows: Array<{ message: string; labelled: string[]; sentence: string }>) {
  let labelledSpans = 0;
  let foundSpans = 0;
  let right = 0;
  const wronglyMasked: string[] = [];
  const missed: string[] = [];
  for (const { message, labelled, sentence } of rows) {
    const truth = new Set(labelled.flatMap((name) => spansOf(sentence, name)));
    const found = findPersonalData(sentence).filter((f) => f.kind === 'person_name');
    labelledSpans += truth.size;
    foundSpans += found.length;
    for (const f of found) {
      if (truth.delete(`${f.start}:${f.end}`)) right++;
      else wronglyMasked.push(`${message} ${f.value}`);
    }
    for (const span of truth) {
      const [start, end] = span.split(':').map(Number);
      missed.push(`${message} ${sentence.slice(start, end)}`);
    }
  }
  return {
    sentences: rows.length,
    labelled: labelledSpans,
    found: foundSpans,
    right,
    // Nothing found is no wrong mask; nothing labelled is nothing missed.
    precision: foundSpans ? right / foundSpans : 1,
    recall: labelledSpans ? right / labelledSpans : 1,
    wronglyMasked,
    missed,
  };
}

/**
 * Below the figures on all 230 sentences when the detector was written (precision 1.000, recall 0.683):
 * one wrong mask more, or one name fewer, fails.
 */
const PRECISION_FLOOR = 0.97;
const RECALL_FLOOR = 0.68;

function spansOf(text: string, name: string): string[] {
  const spans: string[] = [];
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) spans.push(`${at}:${at + name.length}`);
  return spans;
}
