import { describe, expect, it } from 'vitest';
import { normaliseText } from './normalise.ts';
import { addUserWords, tokenize } from './tokenizer.ts';

describe('normaliseText', () => {
  it('should make full-width characters half-width, traditional simplified and letters lower-case', () => {
    expect(normaliseText('ＡＢＣ１２３，燃氣洩漏　Street')).toBe('abc123,燃气泄漏 street');
  });
});

describe('tokenize', () => {
  it('should cut Chinese into words and drop stop words, punctuation and bare numbers', () => {
    const words = tokenize('您好，小区门口的路灯坏了3个月，请相关部门处理！');
    expect(words).toContain('路灯');
    expect(words).toContain('小区');
    for (const dropped of ['您好', '的', '相关', '部门', '3', '，', '！']) expect(words).not.toContain(dropped);
  });

  it('should keep English words, lower-cased, from mixed text', () => {
    expect(tokenize('Street light OUT near 5th Ave 路灯')).toEqual(['street', 'light', 'near', '5th', 'ave', '路灯']);
  });

  it("should keep the city's own names whole once they are added", () => {
    expect(tokenize('书院路的在水一方大厦烂尾')).not.toContain('在水一方大厦');
    addUserWords([
      { word: '在水一方大厦', tag: 'ns' },
      { word: '書院路', tag: 'ns' },
    ]);
    const words = tokenize('书院路的在水一方大厦烂尾');
    expect(words).toContain('在水一方大厦');
    // Added in traditional characters, found in simplified: the dictionary holds the normalised form.
    expect(words).toContain('书院路');
  });
});
