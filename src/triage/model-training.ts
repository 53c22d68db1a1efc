import type { Queryable } from '../db/db';
import { AppError } from '../shared/errors';
import * as models from './classifier-models.repository';
import { LocalTextClassifier } from './local-model/text-classifier';

/**
 * Trains the local model on labelled examples and stores it as the next, active version.
 * A label is a category code of the taxonomy or an active category's name (城乡建设 → 01),
 * so labelled data from elsewhere can be used as it is.
 */
export async function trainAndStore(
  db: Queryable,
  examples: ReadonlyArray<{ text: string; label: string }>,
  source: string,
): Promise<{ version: number; classifier: LocalTextClassifier; examples: number }> {
  const categories = (await db('categories').select('code', 'name', 'active')) as Array<{ code: string; name: string; active: boolean }>;
  const codes = new Set(categories.map((c) => c.code));
  const byName = new Map(categories.filter((c) => c.active).map((c) => [c.name, c.code]));
  const coded = examples.map((e) => ({ text: e.text, label: codes.has(e.label) ? e.label : (byName.get(e.label) ?? e.label) }));
  const unknown = [...new Set(coded.map((e) => e.label))].filter((label) => !codes.has(label));
  if (unknown.length > 0)
    throw new AppError(
      'VALIDATION_FAILED',
      `labels must be category codes or names of the taxonomy; unknown: ${unknown.slice(0, 10).join(', ')}`,
    );
  const started = Date.now();
  const classifier = LocalTextClassifier.train(coded);
  const version = await models.storeAndActivate(db, {
    labels: classifier.labels,
    trainingExamples: coded.length,
    trainingSource: source,
    metrics: { trainingMs: Date.now() - started },
    serialized: classifier.serialize(),
  });
  return { version, classifier, examples: coded.length };
}
