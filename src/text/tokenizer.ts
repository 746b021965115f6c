import { Jieba, type TaggedWord } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normaliseText } from './normalise.ts';
import { STOP_WORDS } from './stop-words.ts';

// jieba's own dictionary takes ~200 ms to load, so one segmenter serves the process. A city's words are
// added to it (loading the same word twice changes nothing), which is right for a process that serves
// one city; tests that build several cities only ever add place names.
let segmenter: Jieba | undefined;
const loadedWords = new Set<string>();

function sharedSegmenter(): Jieba {
  segmenter ??= Jieba.withDict(dict);
  return segmenter;
}

/** A word the city uses that jieba's general dictionary would split: a place, a body, a category name. */
export interface UserWord {
  word: string;
  /** jieba part-of-speech tag: `ns` place, `nt` organisation, `n` noun. */
  tag?: 'ns' | 'nt' | 'n';
}

// High enough that a known name wins over the general dictionary's split ("书院路" rather than "书院|路").
const USER_WORD_FREQUENCY = 50_000;

/** Adds the city's own words to the segmenter (idempotent). */
export function addUserWords(words: Iterable<UserWord>): void {
  const lines: string[] = [];
  for (const { word, tag } of words) {
    const normalised = normaliseText(word).replace(/\s+/g, '');
    if (normalised.length < 2 || loadedWords.has(normalised)) continue;
    loadedWords.add(normalised);
    lines.push(`${normalised} ${USER_WORD_FREQUENCY} ${tag ?? 'n'}`);
  }
  if (lines.length > 0) sharedSegmenter().loadDict(Buffer.from(`${lines.join('\n')}\n`));
}

/**
 * jieba's words of a text with their part-of-speech tags, the text's characters unchanged (not normalised:
 * callers need its offsets). Unknown words found by the HMM are tagged `x`.
 */
export function tagWords(text: string): TaggedWord[] {
  return sharedSegmenter().tag(text, true);
}

const WORD_LIKE = /[\p{Script=Han}a-z0-9]/u;
const ONLY_DIGITS = /^[0-9.]+$/;

/** Words of a normalised text, as jieba cuts them (punctuation and spaces dropped, stop words kept). */
export function segment(normalised: string): string[] {
  return sharedSegmenter()
    .cut(normalised, true)
    .filter((w) => WORD_LIKE.test(w));
}

/**
 * The words that carry meaning: normalised, segmented, without stop words, bare numbers or one-letter
 * Latin fragments. Chinese and English (or mixed) text alike.
 */
export function tokenize(text: string): string[] {
  return segment(normaliseText(text)).filter(
    (w) => !STOP_WORDS.has(w) && !ONLY_DIGITS.test(w) && !(w.length === 1 && w < '\u0100'),
  );
}
