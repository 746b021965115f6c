import * as OpenCC from 'opencc-js/t2cn';

// Traditional → simplified through OpenCC's tables: a few microseconds a message, and messages from
// Hong Kong, Taiwan or an older input method then share words with the rest.
const toSimplified = OpenCC.Converter({ from: 'hk', to: 'cn' });

/**
 * One spelling for the same text: full-width letters, digits and punctuation become half-width (NFKC),
 * traditional characters become simplified, Latin letters lower-case, and runs of whitespace one space.
 */
export function normaliseText(text: string): string {
  return toSimplified(text.normalize('NFKC')).toLowerCase().replace(/\s+/g, ' ').trim();
}
