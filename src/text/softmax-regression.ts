import type { SparseVector } from './features.ts';
import { dequantise, quantise } from './quantise.ts';
import { seededRandom, shuffle } from './random.ts';

/**
 * Multinomial logistic regression on sparse TF-IDF vectors, trained by AdaGrad.
 *
 * Written here because no maintained JavaScript library trains a linear model on sparse vectors: the
 * ones on npm (ml-logistic-regression and kin) take dense matrices, which for 10,000 messages × 100,000
 * terms is 4 GB. Softmax rather than one-vs-rest SVMs because its scores are already probabilities that
 * a single temperature calibrates (see classifier.ts); bench/classify.ts compares it with Naive Bayes.
 */
export interface SoftmaxOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per example, applied to the weights an example touches (the usual sparse shortcut). */
  l2: number;
  /** Shuffles the examples the same way every run, so a model can be retrained bit for bit. */
  seed: number;
}

const NEGLIGIBLE_GRADIENT = 1e-4;

export const DEFAULT_SOFTMAX_OPTIONS: SoftmaxOptions = { epochs: 8, learningRate: 0.5, l2: 1e-5, seed: 1 };

export interface SoftmaxJson {
  classes: number;
  features: number;
  /**
   * The weights, column-major (the weights of feature j for every class together, what a sparse dot
   * product reads), quantised to one signed byte each with a scale per class, base64: a third-level model
   * of 10,000 terms × 500 categories is 7 MB instead of 50 MB of JSON numbers. The rounding moves a score
   * by about 0.01, far below the gaps that order the suggestions.
   */
  weights: string;
  scales: number[];
  bias: number[];
}

export class SoftmaxRegression {
  private constructor(
    readonly classes: number,
    readonly features: number,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
  ) {}

  static train(
    vectors: SparseVector[],
    labels: number[],
    classes: number,
    features: number,
    options: SoftmaxOptions = DEFAULT_SOFTMAX_OPTIONS,
    sampleWeights?: number[],
  ): SoftmaxRegression {
    const weights = new Float32Array(features * classes);
    const squaredGradients = new Float32Array(features * classes).fill(1e-8);
    const bias = new Float32Array(classes);
    const biasSquaredGradients = new Float32Array(classes).fill(1e-8);
    const model = new SoftmaxRegression(classes, features, weights, bias);
    const order = vectors.map((_, i) => i);
    const random = seededRandom(options.seed);
    const probabilities = new Float64Array(classes);
    const gradient = new Float64Array(classes);
    const activeClasses = new Int32Array(classes);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      shuffle(order, random);
      for (const i of order) {
        const x = vectors[i] as SparseVector;
        const y = labels[i] as number;
        const weight = sampleWeights?.[i] ?? 1;
        model.scoresInto(x, probabilities);
        softmaxInPlace(probabilities);
        // Only classes whose gradient is not negligible are updated: with hundreds of classes (third-level
        // categories) nearly all have probability ~0 for a given message, and skipping them is what keeps
        // training in seconds. The L2 shrinkage of a skipped weight waits for its next real update.
        let active = 0;
        for (let k = 0; k < classes; k++) {
          const g = weight * ((probabilities[k] ?? 0) - (k === y ? 1 : 0));
          if (Math.abs(g) < NEGLIGIBLE_GRADIENT) continue;
          gradient[active] = g;
          activeClasses[active++] = k;
          biasSquaredGradients[k] = (biasSquaredGradients[k] ?? 0) + g * g;
          bias[k] = (bias[k] ?? 0) - (options.learningRate * g) / Math.sqrt(biasSquaredGradients[k] ?? 1);
        }
        for (let n = 0; n < x.indices.length; n++) {
          const base = (x.indices[n] ?? 0) * classes;
          const value = x.values[n] ?? 0;
          for (let a = 0; a < active; a++) {
            const at = base + (activeClasses[a] ?? 0);
            const w = weights[at] ?? 0;
            const g = (gradient[a] ?? 0) * value + options.l2 * w;
            const sg = (squaredGradients[at] ?? 0) + g * g;
            squaredGradients[at] = sg;
            weights[at] = w - (options.learningRate * g) / Math.sqrt(sg);
          }
        }
      }
    }
    return model;
  }

  static fromJSON(json: SoftmaxJson): SoftmaxRegression {
    const weights = dequantise(json.weights, json.scales);
    return new SoftmaxRegression(json.classes, json.features, weights, Float32Array.from(json.bias));
  }

  toJSON(): SoftmaxJson {
    const { bytes, scales } = quantise(this.weights, this.classes);
    return {
      classes: this.classes,
      features: this.features,
      weights: bytes,
      scales,
      bias: Array.from(this.bias),
    };
  }

  /** The raw score of each class (logits). */
  scores(x: SparseVector): Float64Array {
    const out = new Float64Array(this.classes);
    this.scoresInto(x, out);
    return out;
  }

  private scoresInto(x: SparseVector, out: Float64Array): void {
    for (let k = 0; k < this.classes; k++) out[k] = this.bias[k] ?? 0;
    for (let n = 0; n < x.indices.length; n++) {
      const base = (x.indices[n] ?? 0) * this.classes;
      const value = x.values[n] ?? 0;
      for (let k = 0; k < this.classes; k++) out[k] = (out[k] ?? 0) + (this.weights[base + k] ?? 0) * value;
    }
  }
}

/** exp-normalises scores into probabilities, in place, after dividing by a temperature. */
export function softmaxInPlace(scores: Float64Array, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    const e = Math.exp(((scores[k] ?? 0) - max) / temperature);
    scores[k] = e;
    sum += e;
  }
  for (let k = 0; k < scores.length; k++) scores[k] = (scores[k] ?? 0) / sum;
  return scores;
}
