import type { Queryable } from '../db/db';
import { AppError } from '../shared/errors';
import * as models from './classifier-models.repository';
import { evaluate } from './local-model/evaluation';
import { LocalTextClassifier } from './local-model/text-classifier';
import { TriageModel } from './triage-model';

/**
 * Trains the local model on labelled examples and stores it as the next, active version.
 * A label is a category code of the taxonomy or an active category's name (城乡建设 → 01),
 * so labelled data from elsewhere can be used as it is.
 */
export async function trainAndStore(
  db: Queryable,
  examples: ReadonlyArray<{ text: string; label: string }>,
  source: string,
): Promise<{ version: number; classifier: TriageModel; examples: number; source: string }> {
  const categories = (await db('categories').select('code', 'name', 'active')) as Array<{ code: string; name: string; active: boolean }>;
  const codes = new Set(categories.map((c) => c.code));
  const byName = new Map(categories.filter((c) => c.active).map((c) => [c.name, c.code]));
  const coded = examples.map((e) => ({ text: e.text, label: codes.has(e.label) ? e.label : (byName.get(e.label) ?? e.label) }));
  const unknown = [...new Set(coded.map((e) => e.label))].filter((label) => !codes.has(label));
  if (unknown.length > 0)
    throw new AppError('VALIDATION_FAILED', `标注须为分类编码或分类名称；无法识别：${unknown.slice(0, 10).join('、')}`);
  const heldOut = heldOutScore(coded);
  const started = Date.now();
  const classifier = TriageModel.train(coded);
  const version = await models.storeAndActivate(db, {
    labels: classifier.labels,
    trainingExamples: coded.length,
    trainingSource: source,
    metrics: { trainingMs: Date.now() - started, ...heldOut },
    serialized: classifier.serialize(),
  });
  return { version, classifier, examples: coded.length, source };
}

/**
 * How well a model trained on these examples classifies what it has not seen: every fifth example of each
 * label is held out, a model is trained on the rest and scored on them (accuracy, macro-F1); the version
 * itself is then trained on all. Fewer than 10 held out (a set under about 50 examples): no score; the count
 * held out says how far to trust the figure.
 */
export function heldOutScore(
  examples: ReadonlyArray<{ text: string; label: string }>,
): { heldOutExamples: number; heldOutAccuracy: number; heldOutMacroF1: number } | Record<string, never> {
  const seen = new Map<string, number>();
  const train: Array<{ text: string; label: string }> = [];
  const test: Array<{ text: string; label: string }> = [];
  for (const example of examples) {
    const n = (seen.get(example.label) ?? 0) + 1;
    seen.set(example.label, n);
    (n % 5 === 0 ? test : train).push(example);
  }
  if (test.length < 10 || new Set(train.map((e) => e.label)).size < 2) return {};
  const model = LocalTextClassifier.train(train);
  const score = evaluate(
    test.map((e) => e.label),
    test.map((e) => model.classify(e.text).label),
  );
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { heldOutExamples: test.length, heldOutAccuracy: round(score.accuracy), heldOutMacroF1: round(score.macroF1) };
}
