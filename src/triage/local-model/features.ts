/**
 * Text → sparse TF-IDF vector over character n-grams (1–3). Character n-grams need no Chinese
 * word segmenter and carry most of the signal in short complaints ("路灯", "拖欠工资").
 */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

const maxChars = 2_000;

/** NFKC (full-width → half-width), lower case, digits folded to 0, whitespace removed, long texts cut to head and tail. */
export function normalizeText(text: string): string {
  let normalized = text.normalize('NFKC').toLowerCase().replace(/\d+/g, '0').replace(/\s+/g, '');
  if (normalized.length > maxChars) {
    const chars = [...normalized];
    if (chars.length > maxChars) normalized = chars.slice(0, 1_500).join('') + chars.slice(-500).join('');
  }
  return normalized;
}

export function charNgrams(text: string, maxN = 3): Map<string, number> {
  const chars = [...normalizeText(text)];
  const counts = new Map<string, number>();
  for (let i = 0; i < chars.length; i += 1) {
    let gram = '';
    for (let n = 1; n <= maxN && i + n <= chars.length; n += 1) {
      gram += chars[i + n - 1];
      counts.set(gram, (counts.get(gram) ?? 0) + 1);
    }
  }
  return counts;
}

export interface VocabularyData {
  terms: string[];
  idf: number[];
}

/** Vocabulary and IDF learned from a corpus; terms seen in fewer than minDf documents are dropped. */
export class TfidfVectorizer {
  private readonly index: Map<string, number>;

  constructor(readonly data: VocabularyData) {
    this.index = new Map(data.terms.map((term, i) => [term, i]));
  }

  get size(): number {
    return this.data.terms.length;
  }

  static fit(texts: readonly string[], options: { minDf?: number; maxFeatures?: number } = {}): TfidfVectorizer {
    const minDf = options.minDf ?? 2;
    const df = new Map<string, number>();
    for (const text of texts) for (const gram of charNgrams(text).keys()) df.set(gram, (df.get(gram) ?? 0) + 1);
    const kept = [...df.entries()].filter(([, count]) => count >= minDf).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const chosen = kept.slice(0, options.maxFeatures ?? 300_000);
    const n = texts.length;
    return new TfidfVectorizer({
      terms: chosen.map(([term]) => term),
      idf: chosen.map(([, count]) => Math.log((1 + n) / (1 + count)) + 1),
    });
  }

  /** Sublinear TF × IDF, L2-normalised. Unknown n-grams are ignored. */
  transform(text: string): SparseVector {
    const entries: Array<[number, number]> = [];
    for (const [gram, count] of charNgrams(text)) {
      const i = this.index.get(gram);
      if (i !== undefined) entries.push([i, (1 + Math.log(count)) * this.data.idf[i]!]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    let norm = 0;
    for (const [, v] of entries) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    return { indices: Int32Array.from(entries, ([i]) => i), values: Float32Array.from(entries, ([, v]) => v / norm) };
  }
}

/** Cosine similarity of two L2-normalised sparse vectors with sorted indices. */
export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.indices.length && j < b.indices.length) {
    if (a.indices[i] === b.indices[j]) dot += a.values[i++]! * b.values[j++]!;
    else if (a.indices[i]! < b.indices[j]!) i += 1;
    else j += 1;
  }
  return dot;
}
