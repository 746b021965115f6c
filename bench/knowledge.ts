/**
 * How often the knowledge base proposes the right article for a real citizen question, against plain BM25
 * over the same articles in the same run.
 *
 * The fixture (src/knowledge/fixtures/, method in its README.md): 26 articles written from government
 * replies in the TipDM Cup 2020 messages_with_replies.csv, and 78 questions from the other files, each
 * matched by hand to the article that answers it. A question is asked as a case is: its title and text.
 * Top-1 / top-3 accuracy = the share of questions whose article is first / among the first three proposed.
 *
 * The latent semantics are fitted, as `civicgrid model train` fits them for a city, on citizen messages
 * without labels: the three TipDM files, minus the 78 labelled questions. The settings grid is printed
 * whole; since the defaults were chosen on these same questions, a two-fold check also chooses them on one
 * half of the questions and reports the other half.
 *
 *   npm run bench:knowledge        (needs ../shared/data; prints a table, writes bench/results/knowledge.json)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fixtureArticles, labelledQuestions } from '../src/knowledge/fixtures.ts';
import { DEFAULT_RANKING, KnowledgeRanking, PLAIN_BM25, type RankingOptions } from '../src/knowledge/ranking.ts';
import { featuresOf, LatentSemantics, readMessageFile } from '../src/text/index.ts';

const DATA = path.join(import.meta.dirname, '..', '..', 'shared', 'data', 'teddycup2020');
const MESSAGE_FILES = ['messages_with_votes.csv', 'messages_labelled.csv', 'messages_with_replies.csv'];

const articles = fixtureArticles().map((a) => ({ id: a.key, title: a.title, body: a.body }));
const questions = labelledQuestions();
const asked = new Set(questions.map((q) => `${q.file}#${q.messageId}`));

let started = performance.now();
const background = MESSAGE_FILES.flatMap((file) =>
  readMessageFile(path.join(DATA, file))
    .filter((m) => !asked.has(`${file}#${m.id}`))
    .map((m) => featuresOf({ title: m.title, body: m.detail }, { words: true, wordPairs: false, characters: false })),
);
const latent = LatentSemantics.fit(background);
const fitSeconds = (performance.now() - started) / 1000;

interface Accuracy {
  top1: number;
  top3: number;
  questions: number;
}

function accuracy(options: RankingOptions, subset = questions): Accuracy {
  const ranking = new KnowledgeRanking(articles, options, latent);
  let top1 = 0;
  let top3 = 0;
  for (const q of subset) {
    const proposed = ranking.rank({ title: q.title, body: q.text }, 3).map((s) => s.id);
    if (proposed[0] === q.articleKey) top1++;
    if (proposed.includes(q.articleKey)) top3++;
  }
  const share = (n: number) => Math.round((n / subset.length) * 1000) / 1000;
  return { top1: share(top1), top3: share(top3), questions: subset.length };
}

const label = (o: RankingOptions) =>
  `title×${o.titleBoost}, latent ${o.latentWeight}, first ${Number.isFinite(o.maxQueryWords) ? o.maxQueryWords : 'all'} words`;

const grid: RankingOptions[] = [];
for (const titleBoost of [1, 2, 3, 4]) {
  for (const latentWeight of [0, 0.25, 0.5, 1]) {
    for (const maxQueryWords of [Number.POSITIVE_INFINITY, 120, 60])
      grid.push({ titleBoost, latentWeight, maxQueryWords });
  }
}
const gridResults = grid.map((options) => ({ settings: label(options), ...accuracy(options) }));

// Two-fold check: choose the settings on one half of the questions (by top-1, then top-3), report the other.
const halves = [questions.filter((_, i) => i % 2 === 0), questions.filter((_, i) => i % 2 === 1)];
const heldOut = halves.map((tuning, h) => {
  const chosen = grid
    .map((options) => ({ options, score: accuracy(options, tuning) }))
    .sort((a, b) => b.score.top1 - a.score.top1 || b.score.top3 - a.score.top3)[0]!.options;
  const test = halves[1 - h]!;
  return {
    chosenOn: `half ${h + 1}`,
    settings: label(chosen),
    ranking: accuracy(chosen, test),
    bm25: accuracy(PLAIN_BM25, test),
  };
});

started = performance.now();
const ranking = new KnowledgeRanking(articles, DEFAULT_RANKING, latent);
for (const q of questions) ranking.rank({ title: q.title, body: q.text }, 3);
const msPerQuestion = (performance.now() - started) / questions.length;

const rows = [
  { model: 'baseline: plain BM25 (title + body)', ...accuracy(PLAIN_BM25) },
  {
    model: `the same without latent semantics: ${label({ ...DEFAULT_RANKING, latentWeight: 0 })}`,
    ...accuracy({ ...DEFAULT_RANKING, latentWeight: 0 }),
  },
  { model: `CivicGrid (chosen): ${label(DEFAULT_RANKING)}`, ...accuracy(DEFAULT_RANKING) },
];

console.log(`\nKnowledge base: ${articles.length} articles, ${questions.length} labelled questions`);
console.log(`latent semantics fitted on ${background.length} messages in ${fitSeconds.toFixed(1)} s\n`);
console.log('model'.padEnd(70), 'top-1'.padStart(7), 'top-3'.padStart(7));
for (const r of rows) console.log(r.model.padEnd(70), r.top1.toFixed(3).padStart(7), r.top3.toFixed(3).padStart(7));
console.log('\nheld-out halves (settings chosen on the other half):');
for (const h of heldOut) {
  console.log(
    `  chosen on ${h.chosenOn}: ${h.settings} → top-1 ${h.ranking.top1} / top-3 ${h.ranking.top3}`,
    `(BM25 ${h.bm25.top1} / ${h.bm25.top3}, ${h.ranking.questions} questions)`,
  );
}
console.log(`\nranking one question against ${articles.length} articles: ${msPerQuestion.toFixed(2)} ms`);
console.log('\nsettings grid (top-1 / top-3):');
for (const g of gridResults) console.log(`  ${g.settings.padEnd(45)} ${g.top1.toFixed(3)} / ${g.top3.toFixed(3)}`);

const out = path.join(import.meta.dirname, 'results', 'knowledge.json');
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      articles: articles.length,
      questions: questions.length,
      backgroundMessages: background.length,
      results: rows,
      heldOut,
      msPerQuestion: Math.round(msPerQuestion * 100) / 100,
      grid: gridResults,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${path.relative(process.cwd(), out)}`);
