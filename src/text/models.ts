import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { loadCityWords } from './city-words.ts';
import {
  type BackgroundKnowledge,
  type ClassifierOptions,
  calibrationError,
  DEFAULT_CLASSIFIER_OPTIONS,
  type LabelledText,
  type Suggestion,
  TextClassifier,
} from './classifier.ts';
import { scoreClassification, stratifiedFolds } from './cross-validation.ts';
import { featuresOf } from './features.ts';
import { LatentSemantics } from './latent-semantics.ts';
import { MultinomialNaiveBayes } from './naive-bayes.ts';
import { type ClassNames, TaxonomyTerms } from './taxonomy-terms.ts';
import type { ModelMetrics, ModelTarget, SuggestedAtIntake, TrainingSnapshot } from './text.tables.ts';
import { tokenize } from './tokenizer.ts';

/** The level of the category tree a target predicts (codes carry the tree: 2 digits a level). */
const CATEGORY_LEVEL: Partial<Record<ModelTarget, number>> = { category_1: 1, category_2: 2, category_3: 3 };
// A correction says the model was wrong on exactly this kind of text: the most useful example there is.
const CORRECTION_WEIGHT = 2;
// Older versions are kept for comparison and rollback, but not all of them (each is megabytes).
const KEPT_VERSIONS = 5;

/**
 * Whether the dispatcher corrected the suggestion at this level of the tree: a leaf chosen under another
 * first-level category corrects every level; one chosen beside the suggested leaf corrects only level 3.
 */
function correctedAt(level: number, suggested: SuggestedAtIntake | null, chosen: string | null): boolean {
  const top = suggested?.categories[0]?.code;
  if (!top || !chosen) return false;
  return top.slice(0, level * 2) !== chosen.slice(0, level * 2);
}

export interface TrainingSet {
  examples: LabelledText[];
  /** For a category target: each category at its level with the names of the taxonomy under it. */
  classNames: ClassNames[];
  snapshotId: string;
  snapshot: TrainingSnapshot;
}

/**
 * What a target learns from: every case the city has classified (its category at the target's level, or
 * the body that handled it), corrections from dispatchers weighted up, and, for categories, the taxonomy's
 * own names as one short example per leaf, so a category with no history yet can still be suggested.
 */
export async function trainingSet(db: Db, target: ModelTarget): Promise<TrainingSet> {
  await loadCityWords(db);
  const level = CATEGORY_LEVEL[target];
  const cases = await db
    .selectFrom('cases')
    .innerJoin('categories', 'categories.id', 'cases.category_id')
    .leftJoin('intake_suggestions', 'intake_suggestions.case_id', 'cases.id')
    .select(['cases.id', 'cases.title', 'cases.description', 'cases.assigned_body_id', 'categories.code'])
    .select(['intake_suggestions.suggested', 'intake_suggestions.chosen_category_code'])
    .where('cases.status', 'not in', ['cancelled', 'merged'])
    .orderBy('cases.id')
    .execute();
  const examples: (LabelledText & { key: string })[] = [];
  let corrections = 0;
  for (const c of cases) {
    const label = level ? c.code.slice(0, level * 2) : c.assigned_body_id;
    if (!label || (level && label.length < level * 2)) continue;
    const corrected = level !== undefined && correctedAt(level, c.suggested, c.chosen_category_code);
    if (corrected) corrections++;
    examples.push({
      key: c.id,
      title: c.title,
      body: c.description,
      label,
      ...(corrected ? { weight: CORRECTION_WEIGHT } : {}),
    });
  }
  let taxonomyNames = 0;
  const classNames: ClassNames[] = [];
  if (level) {
    const categories = await db.selectFrom('categories').select(['code', 'name_zh', 'level']).orderBy('code').execute();
    const nameOf = new Map(categories.map((c) => [c.code, c.name_zh]));
    const namesUnder = new Map(
      categories.map((c) => [
        c.code,
        categories.filter((o) => o.code.length > c.code.length && o.code.startsWith(c.code)).map((o) => o.name_zh),
      ]),
    );
    // What a category covers is said by the names under it; a leaf has only its own.
    for (const c of categories.filter((c) => c.code.length === level * 2)) {
      const under = namesUnder.get(c.code) ?? [];
      classNames.push({ label: c.code, names: under.length > 0 ? under : [c.name_zh] });
    }
    for (const leaf of categories.filter((c) => namesUnder.get(c.code)?.length === 0)) {
      if (leaf.code.length < level * 2) continue;
      // The names below the target level say what the category covers ("物业管理", "拖欠工资").
      const below: string[] = [];
      for (let l = level + 1; l <= leaf.code.length / 2; l++) below.push(nameOf.get(leaf.code.slice(0, l * 2)) ?? '');
      const label = leaf.code.slice(0, level * 2);
      const title = [nameOf.get(label), ...below].join(' ');
      examples.push({ key: `taxonomy:${leaf.code}`, title, body: '', label, trainOnly: true });
      taxonomyNames++;
    }
  }
  const snapshotId = createHash('sha256')
    .update(examples.map((e) => `${e.key}=${e.label}:${e.weight ?? 1}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return {
    examples,
    classNames,
    snapshotId,
    snapshot: { cases: examples.length - taxonomyNames, corrections, taxonomyNames },
  };
}

/**
 * k-fold stratified cross-validation of the classifier and of the Naive Bayes baseline on the same folds.
 * Train-only examples (the taxonomy's names) are in every training fold and never tested.
 */
export function crossValidate(
  examples: LabelledText[],
  folds: number,
  options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
  featureLists?: string[][],
  background: BackgroundKnowledge = {},
): ModelMetrics {
  const started = performance.now();
  const labels = examples.map((e) => e.label);
  const assignment = stratifiedFolds(labels, folds).map((fold, i) => (examples[i]?.trainOnly ? -1 : fold));
  const suggestions = TextClassifier.crossValidate(examples, folds, options, assignment, featureLists, background);
  const evaluated = examples.map((_, i) => i).filter((i) => suggestions[i] !== undefined);
  const truth = evaluated.map((i) => labels[i] as string);
  const given = evaluated.map((i) => suggestions[i] as Suggestion[]);
  const ours = scoreClassification(
    truth,
    given.map((s) => s[0]?.label ?? ''),
  );
  const baseline = scoreClassification(truth, naiveBayesCrossValidated(examples, assignment, folds, evaluated));
  return {
    folds,
    examples: evaluated.length,
    classes: new Set(truth).size,
    macroF1: ours.macroF1,
    accuracy: ours.accuracy,
    top3Accuracy: given.filter((s, k) => s.slice(0, 3).some((x) => x.label === truth[k])).length / (truth.length || 1),
    calibrationError: calibrationError(truth, given),
    baselineMacroF1: baseline.macroF1,
    trainSeconds: (performance.now() - started) / 1000,
  };
}

function naiveBayesCrossValidated(examples: LabelledText[], assignment: number[], folds: number, evaluated: number[]) {
  const words = examples.map((e) => tokenize(`${e.title} ${e.body}`));
  const classes = [...new Set(examples.map((e) => e.label))].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const predicted = new Map<number, string>();
  for (let fold = 0; fold < folds; fold++) {
    const train = examples.map((_, i) => i).filter((i) => assignment[i] !== fold);
    const model = MultinomialNaiveBayes.train(
      train.map((i) => words[i] as string[]),
      train.map((i) => index.get(examples[i]?.label as string) as number),
      classes.length,
    );
    for (const i of evaluated)
      if (assignment[i] === fold) predicted.set(i, classes[model.predict(words[i] as string[])] as string);
  }
  return evaluated.map((i) => predicted.get(i) ?? '');
}

// Fewer texts than this have no latent structure worth a hundred dimensions (a new city, a test's few cases).
const MIN_TEXTS_FOR_LATENT_SEMANTICS = 50;

/**
 * What a target's classifier knows beyond the labels: the latent semantics of the city's case texts (fitted
 * without their labels, so cross-validation may share it) and, for a category target, the taxonomy's terms.
 */
export function backgroundKnowledge(
  examples: LabelledText[],
  classNames: ClassNames[],
  featureLists: string[][],
): BackgroundKnowledge {
  const texts = featureLists.filter((_, i) => !examples[i]?.trainOnly);
  return {
    ...(texts.length >= MIN_TEXTS_FOR_LATENT_SEMANTICS && { latent: LatentSemantics.fit(texts) }),
    ...(classNames.length > 1 && { taxonomyTerms: TaxonomyTerms.fromNames(classNames) }),
  };
}

/** The examples' features and background knowledge, computed once for cross-validation and training. */
function prepare(examples: LabelledText[], classNames: ClassNames[]) {
  const featureLists = examples.map((e) => featuresOf(e, DEFAULT_CLASSIFIER_OPTIONS.features));
  return { featureLists, background: backgroundKnowledge(examples, classNames, featureLists) };
}

/** Cross-validation as training does it, without storing a model (`civicgrid model evaluate`). */
export function evaluateExamples(examples: LabelledText[], classNames: ClassNames[], folds: number): ModelMetrics {
  const { featureLists, background } = prepare(examples, classNames);
  return crossValidate(examples, folds, DEFAULT_CLASSIFIER_OPTIONS, featureLists, background);
}

export interface TrainedModel {
  id: string;
  target: ModelTarget;
  version: number;
  trainedAt: Date;
  trainedBy: string;
  snapshotId: string;
  trainingExamples: number;
  metrics: ModelMetrics & { snapshot: TrainingSnapshot };
}

export class NotEnoughHistoryError extends Error {}

/** What fitting a model gives: its cross-validated metrics and its weights, serialised for storing. */
export interface FittedModel {
  metrics: ModelMetrics;
  /** `TextClassifier.toJSON()` as JSON text, as `text_models.classifier` keeps it. */
  classifier: string;
}

/** Refuses a training set without two labels that have cases: nothing could be told apart. */
export function checkEnoughHistory(target: ModelTarget, set: TrainingSet): void {
  const classes = new Set(set.examples.filter((e) => !e.trainOnly).map((e) => e.label));
  if (classes.size < 2) {
    throw new NotEnoughHistoryError(
      `${target}: the history has ${classes.size} class(es) with cases; a model needs at least two`,
    );
  }
}

/**
 * Cross-validates a target on its training set, then trains on all of it: CPU work only, no database, so
 * a server can run it in a process of its own (training-process.ts). The city's words must be loaded
 * into the tokenizer first, as they are when the set is read.
 */
export function fitModel(
  target: ModelTarget,
  set: Pick<TrainingSet, 'examples' | 'classNames'> & { snapshot: TrainingSnapshot },
  folds: number,
  onStep?: (step: string) => void,
): FittedModel {
  onStep?.(`${target}: cross-validating on ${set.snapshot.cases} cases (${folds} folds)`);
  const { featureLists, background } = prepare(set.examples, set.classNames);
  const metrics = crossValidate(set.examples, folds, DEFAULT_CLASSIFIER_OPTIONS, featureLists, background);
  onStep?.(`${target}: training on all ${set.examples.length} examples`);
  const started = performance.now();
  const classifier = TextClassifier.trainOnFeatures(
    set.examples,
    featureLists,
    DEFAULT_CLASSIFIER_OPTIONS,
    true,
    background,
  );
  metrics.trainSeconds = (performance.now() - started) / 1000;
  return { metrics, classifier: JSON.stringify(classifier.toJSON()) };
}

/**
 * Cross-validates a target on the city's history, trains it on all of it, and stores it as the target's
 * next version (which every instance then serves). Returns the stored model's description.
 */
export async function trainModel(
  db: Db,
  target: ModelTarget,
  options: { trainedBy: string; folds?: number; now?: Date; onStep?: (step: string) => void },
): Promise<TrainedModel> {
  const set = await trainingSet(db, target);
  checkEnoughHistory(target, set);
  return storeModel(db, target, set, fitModel(target, set, options.folds ?? 5, options.onStep), options);
}

/** Stores a fitted model as the target's next version, keeping the last few versions. */
export async function storeModel(
  db: Db,
  target: ModelTarget,
  set: TrainingSet,
  fitted: FittedModel,
  options: { trainedBy: string; now?: Date },
): Promise<TrainedModel> {
  const metrics = { ...fitted.metrics, snapshot: set.snapshot };
  return db.transaction().execute(async (trx) => {
    // Two trainings of a target finishing at once (two instances, or the API and the command line) take
    // turns here, so each stores the next version instead of colliding on (target, version).
    await sql`select pg_advisory_xact_lock(hashtext(${`text-model:${target}`}))`.execute(trx);
    const latest = await trx
      .selectFrom('text_models')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('target', '=', target)
      .executeTakeFirst();
    const row = await trx
      .insertInto('text_models')
      .values({
        target,
        version: (latest?.version ?? 0) + 1,
        trained_at: options.now ?? new Date(),
        trained_by: options.trainedBy,
        snapshot_id: set.snapshotId,
        training_examples: set.examples.length,
        metrics: JSON.stringify(metrics),
        classifier: fitted.classifier,
      })
      .returning(['id', 'version', 'trained_at'])
      .executeTakeFirstOrThrow();
    await trx
      .deleteFrom('text_models')
      .where('target', '=', target)
      .where('version', '<=', row.version - KEPT_VERSIONS)
      .execute();
    return {
      id: row.id,
      target,
      version: row.version,
      trainedAt: row.trained_at,
      trainedBy: options.trainedBy,
      snapshotId: set.snapshotId,
      trainingExamples: set.examples.length,
      metrics,
    };
  });
}

/** Every stored model, newest first (without its weights). */
export async function listModels(db: Db): Promise<TrainedModel[]> {
  const rows = await db
    .selectFrom('text_models')
    .select(['id', 'target', 'version', 'trained_at', 'trained_by', 'snapshot_id', 'training_examples', 'metrics'])
    .orderBy('target')
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    target: r.target,
    version: r.version,
    trainedAt: r.trained_at,
    trainedBy: r.trained_by,
    snapshotId: r.snapshot_id,
    trainingExamples: r.training_examples,
    metrics: r.metrics,
  }));
}

/** The parsed newest model of each target, kept per process (an older version is dropped when a newer loads). */
const loadedClassifiers = new Map<ModelTarget, { id: string; classifier: TextClassifier }>();

export interface CurrentModel {
  id: string;
  version: number;
  classifier: TextClassifier;
}

/**
 * The newest model of every target that has one. The ids are looked up every time (one indexed query for
 * all targets), so a model trained by any instance is served by all at their next suggestion; the weights
 * are parsed once per model per process.
 */
export async function currentClassifiers(db: Db): Promise<Map<ModelTarget, CurrentModel>> {
  const latest = await db
    .selectFrom('text_models as m')
    .select(['m.id', 'm.target', 'm.version'])
    .where('m.version', '=', (eb) =>
      eb
        .selectFrom('text_models as newer')
        .select((n) => n.fn.max('newer.version').as('version'))
        .whereRef('newer.target', '=', 'm.target'),
    )
    .execute();
  const current = new Map<ModelTarget, CurrentModel>();
  for (const { id, target, version } of latest) {
    let loaded = loadedClassifiers.get(target);
    if (loaded?.id !== id) {
      const row = await db
        .selectFrom('text_models')
        .select('classifier')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await loadCityWords(db);
      loaded = { id, classifier: TextClassifier.fromJSON(JSON.parse(row.classifier)) };
      loadedClassifiers.set(target, loaded);
    }
    current.set(target, { id, version, classifier: loaded.classifier });
  }
  return current;
}
