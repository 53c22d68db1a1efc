import type { SparseVector } from './features';

export interface LogisticRegressionData {
  labels: string[];
  features: number;
  /** Row-major: weights[classIndex * features + featureIndex]. */
  weights: Float32Array;
  bias: Float32Array;
}

/**
 * Multinomial logistic regression on sparse vectors: softmax probabilities (calibrated by the
 * log loss it is trained on), class weights against imbalance, L2 by lazy weight decay.
 * Trained with shuffled SGD; deterministic for a given seed.
 */
export class LogisticRegression {
  constructor(readonly data: LogisticRegressionData) {}

  static train(
    examples: ReadonlyArray<{ x: SparseVector; label: string }>,
    features: number,
    options: { epochs?: number; learningRate?: number; l2?: number; seed?: number } = {},
  ): LogisticRegression {
    const labels = [...new Set(examples.map((e) => e.label))].sort();
    const k = labels.length;
    const y = examples.map((e) => labels.indexOf(e.label));
    const counts = labels.map((_, c) => y.filter((v) => v === c).length);
    const classWeight = counts.map((count) => examples.length / (k * count));
    const weights = new Float32Array(k * features);
    const bias = new Float32Array(k);
    const epochs = options.epochs ?? 30;
    const l2 = options.l2 ?? 1e-5;
    let random = options.seed ?? 42;
    const next = () => (random = (random * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const order = examples.map((_, i) => i);
    let scale = 1; // weights are stored divided by scale: L2 decay touches one number per step
    let step = 0;
    const logits = new Float64Array(k);
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      for (let i = order.length - 1; i > 0; i -= 1) {
        const j = Math.floor(next() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (const i of order) {
        const { indices, values } = examples[i]!.x;
        const rate = (options.learningRate ?? 1) / (1 + step * 1e-4);
        step += 1;
        scale *= 1 - rate * l2;
        if (scale < 1e-6) {
          for (let w = 0; w < weights.length; w += 1) weights[w]! *= scale;
          scale = 1;
        }
        softmaxInto(logits, weights, bias, indices, values, features, scale);
        const weight = classWeight[y[i]!]!;
        for (let c = 0; c < k; c += 1) {
          const gradient = (logits[c]! - (c === y[i] ? 1 : 0)) * weight * rate;
          if (gradient === 0) continue;
          const row = c * features;
          for (let n = 0; n < indices.length; n += 1) weights[row + indices[n]!]! -= (gradient * values[n]!) / scale;
          bias[c]! -= gradient;
        }
      }
    }
    for (let w = 0; w < weights.length; w += 1) weights[w]! *= scale;
    return new LogisticRegression({ labels, features, weights, bias });
  }

  /** Probabilities per label, highest first. */
  predict(x: SparseVector): Array<{ label: string; probability: number }> {
    const k = this.data.labels.length;
    const probabilities = new Float64Array(k);
    softmaxInto(probabilities, this.data.weights, this.data.bias, x.indices, x.values, this.data.features, 1);
    return this.data.labels.map((label, c) => ({ label, probability: probabilities[c]! })).sort((a, b) => b.probability - a.probability);
  }
}

function softmaxInto(
  out: Float64Array,
  weights: Float32Array,
  bias: Float32Array,
  indices: Int32Array,
  values: Float32Array,
  features: number,
  scale: number,
): void {
  let max = -Infinity;
  for (let c = 0; c < out.length; c += 1) {
    let sum = 0;
    const row = c * features;
    for (let n = 0; n < indices.length; n += 1) sum += weights[row + indices[n]!]! * values[n]!;
    out[c] = sum * scale + bias[c]!;
    if (out[c]! > max) max = out[c]!;
  }
  let total = 0;
  for (let c = 0; c < out.length; c += 1) {
    out[c] = Math.exp(out[c]! - max);
    total += out[c]!;
  }
  for (let c = 0; c < out.length; c += 1) out[c]! /= total;
}
