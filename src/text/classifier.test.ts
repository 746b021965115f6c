import { describe, expect, it } from 'vitest';
import { calibrationError, type LabelledText, TextClassifier } from './classifier.ts';
import { expectedCalibrationError, scoreClassification, stratifiedFolds } from './cross-validation.ts';
import { MultinomialNaiveBayes } from './naive-bayes.ts';

// Three kinds of complaint, each said a dozen ways; a few words are shared across kinds, so the classes
// overlap a little, as real ones do.
const PHRASES: Record<string, string[]> = {
  noise: ['噪音扰民', '夜间施工噪音', '广场舞音响太吵', '装修噪音', '酒吧噪声', '工地噪声', '喇叭声音太大'],
  water: ['停水', '自来水发黄', '水压太低', '水管爆裂', '水费收费', '供水中断', '二次供水水质'],
  wages: ['拖欠工资', '工资没发', '欠薪', '包工头跑路', '社保没交', '劳动合同纠纷', '加班费不给'],
};
const PLACES = ['小区', '楼下', '街道', '村里', '公司', '工地'];

function examples(): LabelledText[] {
  const out: LabelledText[] = [];
  for (const [label, phrases] of Object.entries(PHRASES)) {
    phrases.forEach((phrase, i) => {
      for (const place of PLACES.slice(0, 2 + (i % 3))) {
        out.push({ title: `${place}${phrase}`, body: `${place}最近${phrase}，希望尽快解决`, label });
      }
    });
  }
  return out;
}

describe('TextClassifier', () => {
  const data = examples();

  it('should suggest the right kind of complaint for texts it has not seen, top three, likeliest first', () => {
    const model = TextClassifier.train(data);
    const top = model.suggest({ title: '晚上工地施工噪音很大', body: '影响休息' }, 3);
    expect(top.map((s) => s.label)).toHaveLength(3);
    expect(top[0]?.label).toBe('noise');
    expect(top[0]?.probability).toBeGreaterThan(top[1]?.probability ?? 1);
    expect(top.reduce((sum, s) => sum + s.probability, 0)).toBeCloseTo(1, 5);
    expect(model.predict({ title: '老板拖欠三个月工资', body: '' })).toBe('wages');
    expect(model.predict({ title: '家里自来水停水两天', body: '' })).toBe('water');
  });

  it('should predict the same after a round trip through JSON, and store weights compactly', () => {
    const model = TextClassifier.train(data);
    const copy = TextClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    const text = { title: '楼下酒吧噪声', body: '半夜还在放音乐' };
    expect(copy.suggest(text, 3).map((s) => s.label)).toEqual(model.suggest(text, 3).map((s) => s.label));
    // Weights are stored to one byte each: the probabilities move in the third decimal at most.
    expect(copy.suggest(text, 1)[0]?.probability).toBeCloseTo(model.suggest(text, 1)[0]?.probability ?? 0, 2);
    expect(copy.temperature).toBe(model.temperature);
    expect(JSON.stringify(model.toJSON()).length).toBeLessThan(model.classes.length * 40_000);
  });

  it('should cross-validate well above chance and give every example a held-out suggestion', () => {
    const suggestions = TextClassifier.crossValidate(data, 5);
    expect(suggestions.every((s) => s.length === 3)).toBe(true);
    const scores = scoreClassification(
      data.map((e) => e.label),
      suggestions.map((s) => s[0]?.label ?? ''),
    );
    expect(scores.macroF1).toBeGreaterThan(0.8);
    expect(
      calibrationError(
        data.map((e) => e.label),
        suggestions,
      ),
    ).toBeLessThan(0.3);
  });

  it('should refuse to train on a single class', () => {
    expect(() => TextClassifier.train(data.filter((e) => e.label === 'noise'))).toThrow(/two classes/);
  });
});

describe('evaluation', () => {
  it('should spread every class evenly over the folds', () => {
    const labels = [...Array(10).fill('a'), ...Array(5).fill('b'), ...Array(3).fill('c')];
    const folds = stratifiedFolds(labels, 5);
    for (const label of ['a', 'b']) {
      const perFold = [0, 1, 2, 3, 4].map((f) => labels.filter((l, i) => l === label && folds[i] === f).length);
      expect(Math.max(...perFold) - Math.min(...perFold), label).toBeLessThanOrEqual(1);
    }
    expect(new Set(folds.filter((_, i) => labels[i] === 'c')).size).toBe(3);
  });

  it('should compute accuracy and macro-F1 as defined', () => {
    // a: P 1/2 R 1/1; b: P 1/1 R 1/2 → F1 2/3 each; accuracy 2/3.
    const scores = scoreClassification(['a', 'b', 'b'], ['a', 'b', 'a']);
    expect(scores.accuracy).toBeCloseTo(2 / 3);
    expect(scores.macroF1).toBeCloseTo(2 / 3);
  });

  it('should measure calibration: 0 when stated probabilities match the hit rate', () => {
    expect(expectedCalibrationError([0.75, 0.75, 0.75, 0.75], [true, true, true, false])).toBeCloseTo(0);
    expect(expectedCalibrationError([0.95, 0.95], [false, false])).toBeCloseTo(0.95);
  });
});

describe('MultinomialNaiveBayes', () => {
  it('should pick the class whose words a document uses', () => {
    const model = MultinomialNaiveBayes.train(
      [
        ['噪音', '扰民'],
        ['停水', '水压'],
        ['噪音', '施工'],
      ],
      [0, 1, 0],
      2,
    );
    expect(model.predict(['施工', '噪音'])).toBe(0);
    expect(model.predict(['水压'])).toBe(1);
  });
});
