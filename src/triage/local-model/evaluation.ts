export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[gold][predicted] = count, in the order of `labels`. */
  confusion: number[][];
  labels: string[];
}

export function evaluate(gold: readonly string[], predicted: readonly string[]): Evaluation {
  const labels = [...new Set([...gold, ...predicted])].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  gold.forEach((g, i) => (confusion[at.get(g)!]![at.get(predicted[i]!)!]! += 1));
  const perClass = labels.map((label, c) => {
    const tp = confusion[c]![c]!;
    const predictedCount = confusion.reduce((sum, row) => sum + row[c]!, 0);
    const support = confusion[c]!.reduce((a, b) => a + b, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    return { label, precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support };
  });
  const correct = labels.reduce((sum, _, c) => sum + confusion[c]![c]!, 0);
  const withSupport = perClass.filter((m) => m.support > 0);
  return {
    accuracy: correct / gold.length,
    macroF1: withSupport.reduce((s, m) => s + m.f1, 0) / withSupport.length,
    perClass,
    confusion,
    labels,
  };
}
