import { TfidfVectorizer, type SparseVector } from './features';
import { LogisticRegression } from './logistic-regression';

export interface Classification {
  label: string;
  confidence: number;
  ranking: Array<{ label: string; probability: number }>;
}

export interface TrainOptions {
  minDf?: number;
  epochs?: number;
  learningRate?: number;
  l2?: number;
}

/** The local model: character n-gram TF-IDF and multinomial logistic regression. Always available; no network. */
export class LocalTextClassifier {
  constructor(
    private readonly vectorizer: TfidfVectorizer,
    private readonly model: LogisticRegression,
  ) {}

  get labels(): string[] {
    return this.model.data.labels;
  }

  static train(examples: ReadonlyArray<{ text: string; label: string }>, options: TrainOptions = {}): LocalTextClassifier {
    if (new Set(examples.map((e) => e.label)).size < 2) throw new Error('training needs at least two labels');
    // A small set keeps every n-gram it has (a starter sentence's words may be in no other); a large one
    // drops those seen once, which are mostly noise and would only grow the model.
    const vectorizer = TfidfVectorizer.fit(
      examples.map((e) => e.text),
      { minDf: options.minDf ?? (examples.length < 5_000 ? 1 : 2) },
    );
    const model = LogisticRegression.train(
      examples.map((e) => ({ x: vectorizer.transform(e.text), label: e.label })),
      vectorizer.size,
      options,
    );
    return new LocalTextClassifier(vectorizer, model);
  }

  /** The model's own view of a text (for similarity between texts). */
  vectorize(text: string): SparseVector {
    return this.vectorizer.transform(text);
  }

  classify(text: string): Classification {
    const ranking = this.model.predict(this.vectorizer.transform(text));
    return { label: ranking[0]!.label, confidence: ranking[0]!.probability, ranking };
  }

  /** A compact, JSON-safe form for storage (weights as base64 float32). */
  serialize(): { terms: string[]; idf: number[]; labels: string[]; weights: string; bias: number[] } {
    const { weights, bias, labels } = this.model.data;
    return {
      terms: this.vectorizer.data.terms,
      idf: this.vectorizer.data.idf,
      labels,
      weights: Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength).toString('base64'),
      bias: [...bias],
    };
  }

  static deserialize(data: ReturnType<LocalTextClassifier['serialize']>): LocalTextClassifier {
    const bytes = Buffer.from(data.weights, 'base64');
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (weights.length !== data.labels.length * data.terms.length) throw new Error('model weights do not match its vocabulary and labels');
    return new LocalTextClassifier(
      new TfidfVectorizer({ terms: data.terms, idf: data.idf }),
      new LogisticRegression({ labels: data.labels, features: data.terms.length, weights, bias: Float32Array.from(data.bias) }),
    );
  }
}
