/**
 * Reply quality over the TipDM Cup 2020 replies (2,816 messages with the department's reply): every
 * reply judged with word weights learned from the same file, timed, and set against a baseline measured
 * in the same run: the reply's length alone (longer ranks stronger). Their Spearman rank correlation says
 * how far the judgement is more than a length count: near 1 it would add nothing, near 0 it would ignore
 * the most obvious sign of an empty reply. A second check needs no labels either: each reply is also
 * judged against another message, half the file away, and the relevance of the true pairs should stand
 * clearly above that of the mismatched ones (reported as the AUC, the chance that a true pair outscores a
 * mismatched one). Working days count the 2018–2020 public holidays below; the earlier years (about
 * 38 % of the messages) count Monday–Friday only.
 *
 *   npx tsx bench/replies.ts              (BENCH_REPLIES_FILE for another export of the same format)
 * Prints the 10 weakest and 10 strongest replies; writes bench/results/replies.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type CalendarDay, type CalendarDayKind, WorkingCalendar } from '../src/calendar/index.ts';
import { readMessageFile } from '../src/text/message-files.ts';
import { buildIdf, judgeReply, rankReplies } from '../src/text/reply-quality.ts';

const FILE =
  process.env.BENCH_REPLIES_FILE ??
  path.join(import.meta.dirname, '..', '..', 'shared', 'data', 'teddycup2020', 'messages_with_replies.csv');
const ROUNDS = 3;
const SHOWN = 10;
const PREVIEW_CHARS = 300;

/** Every day of a range, inclusive, as calendar days of one kind. */
function span(from: string, to: string, kind: CalendarDayKind, nameZh: string, nameEn: string): CalendarDay[] {
  const days: CalendarDay[] = [];
  for (let t = Date.parse(`${from}T00:00Z`); t <= Date.parse(`${to}T00:00Z`); t += 86_400_000) {
    days.push({ date: new Date(t).toISOString().slice(0, 10), kind, nameZh, nameEn });
  }
  return days;
}
const holiday = (from: string, to: string, zh: string, en: string) => span(from, to, 'holiday', zh, en);
const workday = (date: string, zh: string, en: string) =>
  span(date, date, 'workday', `${zh}调休上班`, `${en} adjusted working day`);

/**
 * China's public holidays and adjusted working days for 2018–2020, as the State Council's notices set
 * them (国办发明电〔2017〕12号, 〔2018〕15号 with the May Day change of March 2019, 〔2019〕16号, and the
 * Spring Festival 2020 extension to 2 February, which also cancelled the working Saturday of 1 February).
 */
const CHINA_2018_2020: CalendarDay[] = [
  ...holiday('2018-01-01', '2018-01-01', '元旦', "New Year's Day"),
  ...workday('2018-02-11', '春节', 'Spring Festival'),
  ...holiday('2018-02-15', '2018-02-21', '春节', 'Spring Festival'),
  ...workday('2018-02-24', '春节', 'Spring Festival'),
  ...holiday('2018-04-05', '2018-04-07', '清明节', 'Qingming Festival'),
  ...workday('2018-04-08', '清明节', 'Qingming Festival'),
  ...workday('2018-04-28', '劳动节', 'Labour Day'),
  ...holiday('2018-04-29', '2018-05-01', '劳动节', 'Labour Day'),
  ...holiday('2018-06-16', '2018-06-18', '端午节', 'Dragon Boat Festival'),
  ...holiday('2018-09-22', '2018-09-24', '中秋节', 'Mid-Autumn Festival'),
  ...workday('2018-09-29', '国庆节', 'National Day'),
  ...workday('2018-09-30', '国庆节', 'National Day'),
  ...holiday('2018-10-01', '2018-10-07', '国庆节', 'National Day'),
  ...workday('2018-12-29', '元旦', "New Year's Day"),
  ...holiday('2018-12-30', '2019-01-01', '元旦', "New Year's Day"),
  ...workday('2019-02-02', '春节', 'Spring Festival'),
  ...workday('2019-02-03', '春节', 'Spring Festival'),
  ...holiday('2019-02-04', '2019-02-10', '春节', 'Spring Festival'),
  ...holiday('2019-04-05', '2019-04-07', '清明节', 'Qingming Festival'),
  ...workday('2019-04-28', '劳动节', 'Labour Day'),
  ...holiday('2019-05-01', '2019-05-04', '劳动节', 'Labour Day'),
  ...workday('2019-05-05', '劳动节', 'Labour Day'),
  ...holiday('2019-06-07', '2019-06-09', '端午节', 'Dragon Boat Festival'),
  ...holiday('2019-09-13', '2019-09-15', '中秋节', 'Mid-Autumn Festival'),
  ...workday('2019-09-29', '国庆节', 'National Day'),
  ...holiday('2019-10-01', '2019-10-07', '国庆节', 'National Day'),
  ...workday('2019-10-12', '国庆节', 'National Day'),
  ...holiday('2020-01-01', '2020-01-01', '元旦', "New Year's Day"),
  ...workday('2020-01-19', '春节', 'Spring Festival'),
  ...holiday('2020-01-24', '2020-02-02', '春节', 'Spring Festival'),
  ...holiday('2020-04-04', '2020-04-06', '清明节', 'Qingming Festival'),
  ...workday('2020-04-26', '劳动节', 'Labour Day'),
  ...holiday('2020-05-01', '2020-05-05', '劳动节', 'Labour Day'),
  ...workday('2020-05-09', '劳动节', 'Labour Day'),
  ...holiday('2020-06-25', '2020-06-27', '端午节', 'Dragon Boat Festival'),
  ...workday('2020-06-28', '端午节', 'Dragon Boat Festival'),
  ...workday('2020-09-27', '国庆节', 'National Day'),
  ...holiday('2020-10-01', '2020-10-08', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),
  ...workday('2020-10-10', '国庆节', 'National Day'),
];

/** Ranks from 1, ties sharing their mean rank, as Spearman's coefficient needs. */
function ranks(values: number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const result = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]!.value === order[i]!.value) j++;
    for (let k = i; k <= j; k++) result[order[k]!.index] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return result;
}

/** The chance that a value of `a` exceeds one of `b` (ties count half), from the ranks of both together. */
function auc(a: number[], b: number[]): number {
  const r = ranks([...a, ...b]);
  const rankSumA = r.slice(0, a.length).reduce((s, x) => s + x, 0);
  return (rankSumA - (a.length * (a.length + 1)) / 2) / (a.length * b.length);
}

/** Pearson correlation of the ranks. */
function spearman(a: number[], b: number[]): number {
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let [covariance, va, vb] = [0, 0, 0];
  for (let i = 0; i < ra.length; i++) {
    covariance += (ra[i]! - ma) * (rb[i]! - mb);
    va += (ra[i]! - ma) ** 2;
    vb += (rb[i]! - mb) ** 2;
  }
  return covariance / Math.sqrt(va * vb);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

if (!fs.existsSync(FILE)) {
  console.log(`skipped: ${FILE} not found (the TipDM Cup 2020 data lives in ../shared/data, outside the repository)`);
  process.exit(0);
}

const readStarted = performance.now();
const records = readMessageFile(FILE);
const readSeconds = (performance.now() - readStarted) / 1000;
const calendar = new WorkingCalendar({ timeZone: 'Asia/Shanghai', days: CHINA_2018_2020 });

const judgeRounds: number[] = [];
// The first run loads jieba's dictionary and warms the JIT; only the rounds after it are timed.
let ranked = rankReplies(records, { calendar });
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  ranked = rankReplies(records, { calendar });
  judgeRounds.push((performance.now() - started) / 1000);
  process.stderr.write(`round ${round + 1}/${ROUNDS}: ${judgeRounds.at(-1)!.toFixed(2)} s\n`);
}
const judgeSeconds = median(judgeRounds);

// The baseline orders the same replies by their length in characters, spaces left out.
const baselineStarted = performance.now();
const lengths = ranked.map(({ record }) => record.reply!.replace(/\s+/g, '').length);
const baselineSeconds = (performance.now() - baselineStarted) / 1000;
const scores = ranked.map(({ judgement }) => judgement.score);
const rho = spearman(scores, lengths);
const tenth = Math.floor(ranked.length / 10);
const weakestByScore = new Set(ranked.slice(0, tenth).map(({ record }) => record.id));
const weakestByLength = ranked
  .map(({ record }, i) => ({ id: record.id, length: lengths[i]! }))
  .sort((a, b) => a.length - b.length)
  .slice(0, tenth);
const sharedWeakest = weakestByLength.filter(({ id }) => weakestByScore.has(id)).length;
const sortedScores = [...scores].sort((a, b) => a - b);

// Each reply against the message half the file away: the same words, but answering someone else.
const replied = records.filter((r) => r.reply);
const idf = buildIdf(replied.flatMap((r) => [`${r.title} ${r.detail}`, r.reply!]));
const relevanceOf = (message: (typeof replied)[number], reply: string) =>
  judgeReply({ ...message, reply, repliedAt: undefined }, { idf }).parts.relevance;
const trueRelevance = replied.map((r) => relevanceOf(r, r.reply!));
const mismatchedRelevance = replied.map((r, i) =>
  relevanceOf(replied[(i + (replied.length >> 1)) % replied.length]!, r.reply!),
);
const relevanceAuc = auc(trueRelevance, mismatchedRelevance);
const belowLow = (values: number[]) => values.filter((v) => v < 0.2).length / values.length;
const withHolidays = ranked.filter(({ judgement }) => judgement.holidaysCounted).length;

const shown = (entries: typeof ranked) =>
  entries.map(({ record, judgement }) => ({
    id: record.id,
    title: record.title,
    score: judgement.score,
    parts: judgement.parts,
    workingDays: judgement.workingDays,
    elements: judgement.elements,
    reasons: judgement.reasons,
    reply: record.reply!.slice(0, PREVIEW_CHARS),
  }));
const weakest = shown(ranked.slice(0, SHOWN));
const strongest = shown(ranked.slice(-SHOWN).reverse());

const print = (heading: string, rows: ReturnType<typeof shown>) => {
  console.log(`\n${heading}\n`);
  console.log('| id | title | score | reasons |');
  console.log('|---|---|---:|---|');
  for (const r of rows) {
    const title = r.title.length > 24 ? `${r.title.slice(0, 23)}…` : r.title;
    console.log(
      `| ${r.id} | ${title} | ${r.score.toFixed(1)} | ${r.reasons.zh.join('；')} / ${r.reasons.en.join('; ')} |`,
    );
  }
};

console.log(`\nReply quality: ${ranked.length} replies in ${path.basename(FILE)}`);
console.log(`read ${readSeconds.toFixed(2)} s; judged in ${judgeSeconds.toFixed(2)} s (median of ${ROUNDS})`);
console.log(`${((ranked.length / judgeSeconds) | 0).toLocaleString('en')} replies/s`);
console.log(`baseline (length only) ${(baselineSeconds * 1000).toFixed(1)} ms`);
console.log(`Spearman(score, length) = ${rho.toFixed(3)}; weakest 10 %: ${sharedWeakest} of ${tenth} shared`);
console.log(
  `scores: min ${sortedScores[0]}, p10 ${quantile(sortedScores, 0.1)}, median ${quantile(sortedScores, 0.5)}, p90 ${quantile(sortedScores, 0.9)}, max ${sortedScores.at(-1)}`,
);
console.log(
  `relevance, true pairs vs mismatched: AUC ${relevanceAuc.toFixed(3)}; median ${median(trueRelevance)} vs ${median(mismatchedRelevance)}; below 0.2: ${(100 * belowLow(trueRelevance)).toFixed(1)} % vs ${(100 * belowLow(mismatchedRelevance)).toFixed(1)} %`,
);
console.log(`holidays counted for ${withHolidays} replies (2018–2020); the rest Monday–Friday`);
print(`${SHOWN} weakest`, weakest);
print(`${SHOWN} strongest`, strongest);

const out = path.join(import.meta.dirname, 'results', 'replies.json');
fs.writeFileSync(
  out,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      file: path.basename(FILE),
      replies: ranked.length,
      readSeconds: Number(readSeconds.toFixed(3)),
      judgeSeconds: Number(judgeSeconds.toFixed(3)),
      judgeRounds: judgeRounds.map((s) => Number(s.toFixed(3))),
      baselineSeconds: Number(baselineSeconds.toFixed(4)),
      spearmanWithLength: Number(rho.toFixed(3)),
      weakestTenthSharedWithLength: { shared: sharedWeakest, of: tenth },
      holidaysCounted: withHolidays,
      scoreQuantiles: Object.fromEntries(
        [0, 10, 25, 50, 75, 90, 100].map((p) => [`p${p}`, quantile(sortedScores, p / 100)]),
      ),
      relevanceTrueVsMismatched: {
        auc: Number(relevanceAuc.toFixed(3)),
        medianTrue: median(trueRelevance),
        medianMismatched: median(mismatchedRelevance),
        shareBelow02True: Number(belowLow(trueRelevance).toFixed(3)),
        shareBelow02Mismatched: Number(belowLow(mismatchedRelevance).toFixed(3)),
      },
      weakest,
      strongest,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten ${path.relative(process.cwd(), out)}`);
