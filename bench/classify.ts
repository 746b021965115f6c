/**
 * How well and how fast CivicGrid's classifier suggests a category, against a multinomial Naive Bayes
 * baseline measured on the same folds in the same run.
 *
 * 1. TipDM Cup 2020 labelled messages (322, 7 first-level categories): 5-fold stratified cross-validation;
 *    macro-F1, accuracy, top-3 accuracy and calibration error; the feature sets tried.
 * 2. San Francisco 311 (10,000 requests): `category` from complaint_type + descriptor + status_notes, trained
 *    on the earlier 80 % by created_date and tested on the later 20 %.
 * 3. Speed on one core: training on 10,000 Chinese messages (with the calibration folds), and suggestions
 *    per second.
 *
 *   npm run bench:classify        (needs ../shared/data; prints a table, writes bench/results/classify.json)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  ALL_FEATURES,
  type BackgroundKnowledge,
  calibrationError,
  DEFAULT_CLASSIFIER_OPTIONS,
  type FeatureSet,
  featuresOf,
  type LabelledText,
  LatentSemantics,
  MultinomialNaiveBayes,
  readMessageFile,
  scoreClassification,
  stratifiedFolds,
  TaxonomyTerms,
  TextClassifier,
  tokenize,
} from '../src/text/index.ts';

const DATA = path.resolve(import.meta.dirname, '../../shared/data');
if (!fs.existsSync(path.join(DATA, 'teddycup2020'))) {
  console.log(`bench:classify skipped: ${DATA} is not here (the shared public data sets).`);
  process.exit(0);
}
const FOLDS = 5;

interface ModelResult {
  dataset: string;
  model: string;
  macroF1: number;
  accuracy: number;
  top3Accuracy?: number;
  calibrationError?: number;
  seconds: number;
}
const results: ModelResult[] = [];

function naiveBayesPredictions(train: LabelledText[], test: LabelledText[]): string[] {
  const classes = [...new Set(train.map((e) => e.label))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const words = (e: LabelledText) => tokenize(`${e.title} ${e.body}`);
  const model = MultinomialNaiveBayes.train(
    train.map(words),
    train.map((e) => index.get(e.label) as number),
    classes.length,
  );
  return test.map((e) => classes[model.predict(words(e))] as string);
}

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const value = run();
  return [value, (performance.now() - started) / 1000];
}

// 1. Cross-validation on the labelled Chinese messages.
const labelled: LabelledText[] = readMessageFile(path.join(DATA, 'teddycup2020/messages_labelled.csv')).map((m) => ({
  title: m.title,
  body: m.detail,
  label: m.label as string,
}));
const truth = labelled.map((e) => e.label);
const folds = stratifiedFolds(truth, FOLDS);

/** Naive Bayes predictions of every labelled message, each by the model trained without its fold. */
function naiveBayesCrossValidated(assignment: number[]): string[] {
  const predicted = new Array<string>(labelled.length);
  for (let fold = 0; fold < FOLDS; fold++) {
    const test = labelled.map((_, i) => i).filter((i) => assignment[i] === fold);
    const out = naiveBayesPredictions(
      labelled.filter((_, i) => assignment[i] !== fold),
      test.map((i) => labelled[i] as LabelledText),
    );
    test.forEach((i, k) => {
      predicted[i] = out[k] as string;
    });
  }
  return predicted;
}
const [nbPredicted, nbSeconds] = timed(() => naiveBayesCrossValidated(folds));
const nb = scoreClassification(truth, nbPredicted);
results.push({
  dataset: 'TipDM 322, 5-fold',
  model: 'baseline: multinomial Naive Bayes (jieba words)',
  ...pick(nb),
  seconds: nbSeconds,
});

// The taxonomy's own names as one short example per leaf (what `civicgrid model train` adds from the
// categories table): never tested, always trained on. The task has the 7 first-level categories the labelled
// messages use, so the taxonomy's other 8 branches are left out (a city's model likewise knows its own tree).
const classes = new Set(truth);
const taxonomyRows = (
  parse(fs.readFileSync(path.join(DATA, 'teddycup2020/taxonomy.csv'), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[]
).filter((row) => classes.has((row.一级分类 ?? '').trim()));
const taxonomyExamples: LabelledText[] = taxonomyRows.map((row) => ({
  title: `${row.一级分类} ${row.二级分类} ${row.三级分类}`,
  body: '',
  label: (row.一级分类 ?? '').trim(),
  trainOnly: true,
}));

// What the city knows beyond the 322 labels: its other 7,142 messages (never the labelled ones, so no
// test text is seen in any form) give the words' IDF and the latent semantics; the taxonomy gives its terms.
const unlabelled = ['messages_with_votes', 'messages_with_replies']
  .flatMap((f) => readMessageFile(path.join(DATA, `teddycup2020/${f}.csv`)))
  .map((m) => ({ title: m.title, body: m.detail }));
const [background, backgroundSeconds] = timed((): BackgroundKnowledge => {
  const corpus = unlabelled.map((m) => featuresOf(m, DEFAULT_CLASSIFIER_OPTIONS.features));
  // Each first-level category's terms come from the names under it (as `civicgrid model train` does).
  const namesOf = new Map<string, string[]>();
  for (const row of taxonomyRows) {
    const label = (row.一级分类 ?? '').trim();
    namesOf.set(label, [...(namesOf.get(label) ?? []), row.二级分类 ?? '', row.三级分类 ?? '']);
  }
  return {
    corpus,
    latent: LatentSemantics.fit(corpus),
    taxonomyTerms: TaxonomyTerms.fromNames([...namesOf].map(([label, names]) => ({ label, names }))),
  };
});
console.log(`background knowledge from ${unlabelled.length} unlabelled messages: ${backgroundSeconds.toFixed(1)} s`);

const WORDS = DEFAULT_CLASSIFIER_OPTIONS.features;
const VARIANTS: [string, FeatureSet, LabelledText[], BackgroundKnowledge][] = [
  ['softmax, words + word pairs + character 2–3-grams', ALL_FEATURES, [], {}],
  ['softmax, character 2–3-grams only', { words: false, wordPairs: false, characters: true }, [], {}],
  ['softmax, jieba words only', WORDS, [], {}],
  ['softmax, jieba words + taxonomy names', WORDS, taxonomyExamples, {}],
  ['… + IDF from the unlabelled messages', WORDS, taxonomyExamples, { corpus: background.corpus }],
  [
    '… + taxonomy terms in the title',
    WORDS,
    taxonomyExamples,
    { corpus: background.corpus, taxonomyTerms: background.taxonomyTerms },
  ],
  ['… + latent semantics, 100 dimensions (chosen)', WORDS, taxonomyExamples, background],
];
for (const [name, features, extra, knowledge] of VARIANTS) {
  const examples = [...labelled, ...extra];
  const assignment = [...folds, ...extra.map(() => -1)];
  const options = { ...DEFAULT_CLASSIFIER_OPTIONS, features };
  const [all, seconds] = timed(() =>
    TextClassifier.crossValidate(examples, FOLDS, options, assignment, undefined, knowledge),
  );
  const suggestions = all.slice(0, labelled.length);
  const predicted = suggestions.map((s) => s[0]?.label ?? '');
  results.push({
    dataset: 'TipDM 322, 5-fold',
    model: name,
    ...pick(scoreClassification(truth, predicted)),
    top3Accuracy: suggestions.filter((s, i) => s.slice(0, 3).some((x) => x.label === truth[i])).length / truth.length,
    calibrationError: calibrationError(truth, suggestions),
    seconds,
  });
}

// The same comparison on four more fold assignments: the weights above were chosen on these messages, so
// this shows the result is not one lucky split.
const otherSeeds = [2, 3, 4, 5].map((seed) => {
  const assignment = stratifiedFolds(truth, FOLDS, seed);
  const chosen = TextClassifier.crossValidate(
    [...labelled, ...taxonomyExamples],
    FOLDS,
    DEFAULT_CLASSIFIER_OPTIONS,
    [...assignment, ...taxonomyExamples.map(() => -1)],
    undefined,
    background,
  )
    .slice(0, labelled.length)
    .map((s) => s[0]?.label ?? '');
  const baseline = naiveBayesCrossValidated(assignment);
  return {
    seed,
    chosenMacroF1: scoreClassification(truth, chosen).macroF1,
    baselineMacroF1: scoreClassification(truth, baseline).macroF1,
  };
});

// How macro-F1 grows with the training data (each fold's training part cut to a share, per class), and how
// many messages appear twice with different labels: what limits a 322-message corpus.
const learningCurve: { share: number; trainingMessages: number; macroF1: number }[] = [];
for (const share of [0.25, 0.5, 0.75, 1]) {
  const predicted = new Array<string>(labelled.length).fill('');
  for (let fold = 0; fold < FOLDS; fold++) {
    const byClass = new Map<string, LabelledText[]>();
    labelled.forEach((e, i) => {
      if (folds[i] === fold) return;
      byClass.set(e.label, [...(byClass.get(e.label) ?? []), e]);
    });
    const train = [...byClass.values()].flatMap((members) =>
      members.slice(0, Math.max(1, Math.round(members.length * share))),
    );
    const model = TextClassifier.train([...train, ...taxonomyExamples], DEFAULT_CLASSIFIER_OPTIONS, background);
    labelled.forEach((e, i) => {
      if (folds[i] === fold) predicted[i] = model.predict(e);
    });
  }
  learningCurve.push({
    share,
    trainingMessages: Math.round(labelled.length * ((FOLDS - 1) / FOLDS) * share),
    macroF1: scoreClassification(truth, predicted).macroF1,
  });
}
const labelsOfText = new Map<string, Set<string>>();
for (const e of labelled) {
  const key = `${e.title}|${e.body}`;
  labelsOfText.set(key, (labelsOfText.get(key) ?? new Set()).add(e.label));
}
const conflictingTexts = [...labelsOfText.values()].filter((labels) => labels.size > 1).length;

// 2. San Francisco 311, time split.
const sf = (
  parse(fs.readFileSync(path.join(DATA, 'us311/sf_311_10000.csv'), 'utf8'), { columns: true }) as Record<
    string,
    string
  >[]
)
  .filter((r) => r.category?.trim())
  .sort((a, b) => (a.created_date ?? '').localeCompare(b.created_date ?? ''));
const sfExamples: LabelledText[] = sf.map((r) => ({
  title: `${r.complaint_type ?? ''} ${r.descriptor ?? ''}`,
  body: r.status_notes ?? '',
  label: (r.category ?? '').trim(),
}));
const cut = Math.floor(sfExamples.length * 0.8);
const sfTrain = sfExamples.slice(0, cut);
const sfTest = sfExamples.slice(cut);
const sfTruth = sfTest.map((e) => e.label);
const [sfNb, sfNbSeconds] = timed(() => naiveBayesPredictions(sfTrain, sfTest));
results.push({
  dataset: `SF 311, train ${sfTrain.length} earlier / test ${sfTest.length} later`,
  model: 'baseline: multinomial Naive Bayes (words)',
  ...pick(scoreClassification(sfTruth, sfNb)),
  seconds: sfNbSeconds,
});
const [sfSuggestions, sfSeconds] = timed(() => {
  const model = TextClassifier.train(sfTrain, DEFAULT_CLASSIFIER_OPTIONS, {
    latent: LatentSemantics.fit(sfTrain.map((e) => featuresOf(e, DEFAULT_CLASSIFIER_OPTIONS.features))),
  });
  return sfTest.map((e) => model.suggest(e, 3));
});
results.push({
  dataset: `SF 311, train ${sfTrain.length} earlier / test ${sfTest.length} later`,
  model: 'softmax, jieba words + latent semantics of the training texts (chosen)',
  ...pick(
    scoreClassification(
      sfTruth,
      sfSuggestions.map((s) => s[0]?.label ?? ''),
    ),
  ),
  top3Accuracy: sfSuggestions.filter((s, i) => s.some((x) => x.label === sfTruth[i])).length / sfTruth.length,
  calibrationError: calibrationError(sfTruth, sfSuggestions),
  seconds: sfSeconds,
});

// 3. Speed: 10,000 Chinese messages (every message of the three files, labelled by the model trained on
// the 322, repeated to 10,000), trained with calibration; then suggestions per second over the 4,326.
const seedModel = TextClassifier.train(labelled);
const corpus = unlabelled;
const tenThousand: LabelledText[] = Array.from({ length: 10_000 }, (_, i) => {
  const m = corpus[i % corpus.length] as { title: string; body: string };
  return { ...m, label: seedModel.predict(m) };
});
// As `civicgrid model train` does: latent semantics of the training texts, taxonomy terms, then the model.
const [bigModel, trainSeconds] = timed(() => {
  const features = tenThousand.map((e) => featuresOf(e, DEFAULT_CLASSIFIER_OPTIONS.features));
  return TextClassifier.trainOnFeatures(tenThousand, features, DEFAULT_CLASSIFIER_OPTIONS, true, {
    latent: LatentSemantics.fit(features),
    taxonomyTerms: background.taxonomyTerms,
  });
});
const votes = corpus.slice(0, 4326);
const [, classifySeconds] = timed(() => {
  for (const m of votes) bigModel.suggest(m, 3);
});
const speed = {
  trainMessages: tenThousand.length,
  trainSeconds,
  classifyMessages: votes.length,
  classifySeconds,
  messagesPerSecond: votes.length / classifySeconds,
  modelJsonBytes: JSON.stringify(bigModel.toJSON()).length,
};

function pick(s: { macroF1: number; accuracy: number }) {
  return { macroF1: s.macroF1, accuracy: s.accuracy };
}

const f = (v: number | undefined, digits = 3) => (v === undefined ? '' : v.toFixed(digits));
console.log('\n| data | model | macro-F1 | accuracy | top-3 | calibration error | seconds |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  console.log(
    `| ${r.dataset} | ${r.model} | ${f(r.macroF1)} | ${f(r.accuracy)} | ${f(r.top3Accuracy)} | ${f(r.calibrationError)} | ${f(r.seconds, 1)} |`,
  );
}
const baselineOf = (dataset: string) => results.find((r) => r.dataset === dataset && r.model.startsWith('baseline'));
console.log('\n| data | chosen macro-F1 / baseline macro-F1 |');
console.log('| --- | --- |');
for (const r of results.filter((x) => x.model.includes('(chosen)'))) {
  console.log(`| ${r.dataset} | ${f(r.macroF1 / (baselineOf(r.dataset)?.macroF1 ?? 1), 2)}× |`);
}
console.log('\n| TipDM fold seed | macro-F1 chosen | macro-F1 Naive Bayes |');
console.log('| --- | --- | --- |');
for (const r of otherSeeds) console.log(`| ${r.seed} | ${f(r.chosenMacroF1)} | ${f(r.baselineMacroF1)} |`);
console.log('\n| TipDM training messages (per fold) | macro-F1 (chosen) |');
console.log('| --- | --- |');
for (const point of learningCurve)
  console.log(`| ${point.trainingMessages} (${point.share * 100} %) | ${f(point.macroF1)} |`);
console.log(`\nTipDM messages present more than once with different labels: ${conflictingTexts}`);

console.log(
  `\nSpeed (one core): train ${speed.trainMessages} messages in ${f(speed.trainSeconds, 1)} s (target ≤ 30 s); ` +
    `suggest ${Math.round(speed.messagesPerSecond)} messages/s (target ≥ 2,000); model ${(speed.modelJsonBytes / 1e6).toFixed(1)} MB as JSON`,
);

const out = path.join(import.meta.dirname, 'results', 'classify.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(
  out,
  `${JSON.stringify(
    { measuredAt: new Date().toISOString(), results, otherSeeds, learningCurve, conflictingTexts, speed },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten ${path.relative(process.cwd(), out)}`);
