import { expectedCalibrationError, stratifiedFolds } from './cross-validation.ts';
import {
  type FeatureSet,
  featuresOf,
  type SparseVector,
  type TextInput,
  Vocabulary,
  type VocabularyJson,
} from './features.ts';
import { LatentSemantics, type LatentSemanticsJson } from './latent-semantics.ts';
import {
  DEFAULT_SOFTMAX_OPTIONS,
  type SoftmaxJson,
  type SoftmaxOptions,
  SoftmaxRegression,
  softmaxInPlace,
} from './softmax-regression.ts';
import { TaxonomyTerms, type TaxonomyTermsJson } from './taxonomy-terms.ts';

export interface LabelledText extends TextInput {
  label: string;
  /** How much this example counts: a dispatcher's correction is surer than an old label. */
  weight?: number;
  /** Learned from but never tested on in cross-validation (e.g. the taxonomy's own names). */
  trainOnly?: boolean;
}

export interface Suggestion {
  label: string;
  /** Calibrated: of suggestions given 0.8, about 80% are right (see `calibrationError`). */
  probability: number;
}

export interface ClassifierOptions {
  features: FeatureSet;
  softmax: SoftmaxOptions;
  /** Terms in fewer documents than this are dropped (keeps a 10,000-message model small). */
  minDocuments: number;
  maxTerms: number;
  /**
   * How much the latent-semantic vector and the taxonomy-term scores count beside the TF-IDF words (each
   * block is unit-scaled before this weight). Chosen on the TipDM messages, and flat around it: 0.5–1 and
   * 2–4 all give macro-F1 0.866–0.871 over five fold seeds (bench/classify.ts).
   */
  latentWeight: number;
  taxonomyWeight: number;
}

/**
 * What a classifier knows beyond its labelled examples. All optional: without them it is TF-IDF words only.
 */
export interface BackgroundKnowledge {
  /** Feature lists of the city's other messages, labelled or not: they only weigh the words (IDF). */
  corpus?: string[][];
  latent?: LatentSemantics;
  taxonomyTerms?: TaxonomyTerms;
}

export const DEFAULT_CLASSIFIER_OPTIONS: ClassifierOptions = {
  // Words (and the title's words again): word pairs and character n-grams gained 0.01 macro-F1 on the
  // labelled messages but cost 4× the training time and 4× the model size (bench/classify.ts).
  features: { words: true, wordPairs: false, characters: false },
  softmax: DEFAULT_SOFTMAX_OPTIONS,
  minDocuments: 1,
  maxTerms: 300_000,
  latentWeight: 0.75,
  taxonomyWeight: 3,
};

export interface ClassifierJson {
  /** 1: words only; 2: with the optional latent semantics and taxonomy terms. */
  format: 1 | 2;
  features: FeatureSet;
  classes: string[];
  temperature: number;
  vocabulary: VocabularyJson;
  model: SoftmaxJson;
  latent?: LatentSemanticsJson;
  latentWeight?: number;
  taxonomyTerms?: TaxonomyTermsJson;
  taxonomyWeight?: number;
}

const TEMPERATURES = Array.from({ length: 41 }, (_, i) => 0.05 * 1.12 ** i);

/**
 * A category (or handling body) suggester: TF-IDF over the text's features (words by default), plus, when
 * given, the text's latent-semantic vector and the taxonomy's scores of its title; softmax regression; and one
 * temperature fitted on held-out predictions so the probabilities mean what they say.
 */
export class TextClassifier {
  private constructor(
    readonly classes: string[],
    readonly features: FeatureSet,
    readonly temperature: number,
    private readonly vocabulary: Vocabulary,
    private readonly model: SoftmaxRegression,
    private readonly extras: Extras,
  ) {}

  static train(
    examples: LabelledText[],
    options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
    background: BackgroundKnowledge = {},
  ): TextClassifier {
    const featureLists = examples.map((e) => featuresOf(e, options.features));
    return TextClassifier.trainOnFeatures(examples, featureLists, options, true, background);
  }

  /** Training on features already computed (cross-validation computes them once for every fold). */
  static trainOnFeatures(
    examples: LabelledText[],
    featureLists: string[][],
    options: ClassifierOptions,
    calibrate: boolean,
    background: BackgroundKnowledge = {},
  ): TextClassifier {
    const classes = [...new Set(examples.map((e) => e.label))].sort();
    if (classes.length < 2) throw new Error('training needs examples of at least two classes');
    const classIndex = new Map(classes.map((c, i) => [c, i]));
    const vocabulary = Vocabulary.fit(featureLists, { ...options, background: background.corpus });
    const extras: Extras = {
      latent: background.latent,
      latentWeight: options.latentWeight,
      taxonomyTerms: background.taxonomyTerms,
      taxonomyWeight: options.taxonomyWeight,
    };
    const vectors = featureLists.map((f) => withExtras(vocabulary, extras, f));
    const labels = examples.map((e) => classIndex.get(e.label) as number);
    const weights = examples.map((e) => e.weight ?? 1);
    const model = SoftmaxRegression.train(
      vectors,
      labels,
      classes.length,
      vocabulary.size + extraColumns(extras),
      options.softmax,
      weights,
    );
    const temperature = calibrate ? fitTemperature(examples, featureLists, options, background) : 1;
    return new TextClassifier(classes, options.features, temperature, vocabulary, model, extras);
  }

  static fromJSON(json: ClassifierJson): TextClassifier {
    return new TextClassifier(
      json.classes,
      json.features,
      json.temperature,
      Vocabulary.fromJSON(json.vocabulary),
      SoftmaxRegression.fromJSON(json.model),
      {
        latent: json.latent && LatentSemantics.fromJSON(json.latent),
        latentWeight: json.latentWeight ?? 0,
        taxonomyTerms: json.taxonomyTerms && TaxonomyTerms.fromJSON(json.taxonomyTerms),
        taxonomyWeight: json.taxonomyWeight ?? 0,
      },
    );
  }

  /** The latent semantics of the city's texts this classifier reads, if it was trained with them. */
  get latent(): LatentSemantics | undefined {
    return this.extras.latent;
  }

  toJSON(): ClassifierJson {
    const { latent, latentWeight, taxonomyTerms, taxonomyWeight } = this.extras;
    return {
      format: 2,
      features: this.features,
      classes: this.classes,
      temperature: this.temperature,
      vocabulary: this.vocabulary.toJSON(),
      model: this.model.toJSON(),
      ...(latent && { latent: latent.toJSON(), latentWeight }),
      ...(taxonomyTerms && { taxonomyTerms: taxonomyTerms.toJSON(), taxonomyWeight }),
    };
  }

  /** Every class with its calibrated probability, likeliest first, cut to `top`. */
  suggest(input: TextInput, top = 3): Suggestion[] {
    return this.suggestFromFeatures(featuresOf(input, this.features), top);
  }

  predict(input: TextInput): string {
    return this.suggest(input, 1)[0]?.label as string;
  }

  suggestFromFeatures(features: string[], top: number): Suggestion[] {
    const probabilities = softmaxInPlace(
      this.model.scores(withExtras(this.vocabulary, this.extras, features)),
      this.temperature,
    );
    return [...probabilities]
      .map((probability, k) => ({ label: this.classes[k] as string, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, top);
  }

  /** Held-out suggestions for every example, by k-fold: what evaluation and calibration read. */
  static crossValidate(
    examples: LabelledText[],
    folds: number,
    options: ClassifierOptions = DEFAULT_CLASSIFIER_OPTIONS,
    assignment = stratifiedFolds(
      examples.map((e) => e.label),
      folds,
    ),
    /** The examples' features when the caller has them already (it trains on them afterwards too). */
    featureLists = examples.map((e) => featuresOf(e, options.features)),
    background: BackgroundKnowledge = {},
  ): Suggestion[][] {
    return crossValidatedSuggestions(examples, featureLists, options, assignment, folds, true, background);
  }
}

interface Extras {
  latent: LatentSemantics | undefined;
  latentWeight: number;
  taxonomyTerms: TaxonomyTerms | undefined;
  taxonomyWeight: number;
}

function extraColumns(extras: Extras): number {
  return (extras.latent?.dimensions ?? 0) + (extras.taxonomyTerms?.labels.length ?? 0);
}

/**
 * The TF-IDF vector with the dense blocks appended as columns after the vocabulary's. The taxonomy reads the
 * title as its words (the `t:` features) joined, so stored feature lists are enough to score a text.
 */
function withExtras(vocabulary: Vocabulary, extras: Extras, features: string[]): SparseVector {
  const words = vocabulary.vectorise(features);
  if (extraColumns(extras) === 0) return words;
  const dense: number[] = [];
  if (extras.latent) for (const v of extras.latent.embed(features)) dense.push(v * extras.latentWeight);
  if (extras.taxonomyTerms) {
    const title = features
      .filter((f) => f.startsWith('t:'))
      .map((f) => f.slice(2))
      .join('');
    for (const v of extras.taxonomyTerms.scores(title)) dense.push(v * extras.taxonomyWeight);
  }
  // Only the non-zero entries: a leaf-level model has hundreds of taxonomy columns, nearly all 0 for a title.
  const columns: number[] = [];
  dense.forEach((v, c) => {
    if (v !== 0) columns.push(c);
  });
  const indices = new Int32Array(words.indices.length + columns.length);
  const values = new Float32Array(indices.length);
  indices.set(words.indices);
  values.set(words.values);
  columns.forEach((c, n) => {
    indices[words.indices.length + n] = vocabulary.size + c;
    values[words.indices.length + n] = dense[c] as number;
  });
  return { indices, values };
}

function crossValidatedSuggestions(
  examples: LabelledText[],
  featureLists: string[][],
  options: ClassifierOptions,
  assignment: number[],
  folds: number,
  calibrate: boolean,
  background: BackgroundKnowledge,
): Suggestion[][] {
  const out: Suggestion[][] = new Array(examples.length);
  for (let fold = 0; fold < folds; fold++) {
    const train = examples.map((_, i) => i).filter((i) => assignment[i] !== fold);
    const test = examples.map((_, i) => i).filter((i) => assignment[i] === fold);
    if (test.length === 0) continue;
    const trainExamples = train.map((i) => examples[i] as LabelledText);
    if (new Set(trainExamples.map((e) => e.label)).size < 2) continue;
    const classifier = TextClassifier.trainOnFeatures(
      trainExamples,
      train.map((i) => featureLists[i] as string[]),
      options,
      calibrate,
      background,
    );
    for (const i of test) {
      out[i] = classifier.suggestFromFeatures(featureLists[i] as string[], classifier.classes.length);
    }
  }
  return out;
}

/**
 * The temperature that makes held-out probabilities honest (Guo et al. 2017, "temperature scaling"):
 * 3-fold out-of-fold scores of the training set, the temperature minimising their log loss.
 */
function fitTemperature(
  examples: LabelledText[],
  featureLists: string[][],
  options: ClassifierOptions,
  background: BackgroundKnowledge,
): number {
  const labels = examples.map((e) => e.label);
  if (examples.length < 30) return 1;
  const folds = 3;
  const heldOut = crossValidatedSuggestions(
    examples,
    featureLists,
    options,
    stratifiedFolds(labels, folds),
    folds,
    false,
    background,
  );
  // Turn the held-out probabilities back into log-probabilities (logits up to a constant) per example.
  const logits = heldOut.map((s) => (s ? s.map((x) => ({ label: x.label, logit: Math.log(x.probability) })) : []));
  let best = 1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (const t of TEMPERATURES) {
    let loss = 0;
    logits.forEach((row, i) => {
      if (row.length === 0) return;
      const max = Math.max(...row.map((r) => r.logit));
      const z = row.reduce((sum, r) => sum + Math.exp((r.logit - max) / t), 0);
      const truth = row.find((r) => r.label === labels[i]);
      // A class unseen in that fold's training: the worst a probability can be, bounded.
      const logP = truth ? (truth.logit - max) / t - Math.log(z) : Math.log(1e-6);
      loss -= Math.max(logP, Math.log(1e-6));
    });
    if (loss < bestLoss) {
      bestLoss = loss;
      best = t;
    }
  }
  return best;
}

/** How far stated top-1 probabilities are from observed accuracy (0 = perfectly calibrated). */
export function calibrationError(truth: readonly string[], suggestions: readonly Suggestion[][]): number {
  const top = suggestions.map((s) => s[0]?.probability ?? 0);
  return expectedCalibrationError(
    top,
    suggestions.map((s, i) => s[0]?.label === truth[i]),
  );
}
