import type { Queryable, Tx } from '../db/db';
import type { SerializedTriageModel } from './triage-model';

export interface StoredModel {
  id: number;
  version: number;
  labels: string[];
  trainingExamples: number;
  trainingSource: string;
  model: SerializedTriageModel;
  createdAt: Date;
}

export async function findActiveVersion(db: Queryable): Promise<number | undefined> {
  const row = await db('classifier_models').select('version').where({ kind: 'local', active: true }).first();
  return row?.version;
}

export async function findActiveModel(db: Queryable): Promise<StoredModel | undefined> {
  return db('classifier_models')
    .select({
      id: 'id',
      version: 'version',
      labels: 'labels',
      trainingExamples: 'training_examples',
      trainingSource: 'training_source',
      model: 'model',
      createdAt: 'created_at',
    })
    .where({ kind: 'local', active: true })
    .first();
}

/**
 * Stores a newly trained model as the next version and makes it the active one, atomically.
 * Two statements, not one with a CTE: PostgreSQL runs a statement's data-modifying CTEs in no
 * fixed order, so the insert could still meet the previously active row.
 */
export async function storeAndActivate(
  db: Queryable,
  model: {
    labels: string[];
    trainingExamples: number;
    trainingSource: string;
    metrics: Record<string, unknown>;
    serialized: SerializedTriageModel;
  },
): Promise<number> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['classifier:versions']);
    await trx('classifier_models').update({ active: false }).where({ kind: 'local', active: true });
    const [row] = await trx('classifier_models')
      .insert({
        kind: 'local',
        version: trx.raw("coalesce((select max(version) from classifier_models where kind = 'local'), 0) + 1"),
        labels: JSON.stringify(model.labels),
        training_examples: model.trainingExamples,
        training_source: model.trainingSource,
        metrics: model.metrics,
        model: JSON.stringify(model.serialized),
        active: true,
      })
      .returning<Array<{ version: number }>>('version');
    return row!.version;
  });
}

/** One process at a time trains into this slot; the others wait for its model. */
export async function lockModelSlot(trx: Tx, slot: string): Promise<void> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [slot]);
}

/** The slot if it is free now; false when another process is training. */
export async function tryLockModelSlot(trx: Tx, slot: string): Promise<boolean> {
  const { rows } = await trx.raw<{ rows: Array<{ ok: boolean }> }>('select pg_try_advisory_xact_lock(hashtext(?)) as ok', [slot]);
  return rows[0]?.ok === true;
}

export interface ModelVersion {
  version: number;
  active: boolean;
  labels: number;
  trainingExamples: number;
  trainingSource: string;
  metrics: Record<string, unknown>;
  createdAt: Date;
}

/** Every version of the local model, newest first, without the model itself. */
export async function listVersions(db: Queryable): Promise<ModelVersion[]> {
  return db('classifier_models')
    .select({
      version: 'version',
      active: 'active',
      labels: db.raw('jsonb_array_length(labels)'),
      trainingExamples: 'training_examples',
      trainingSource: 'training_source',
      metrics: 'metrics',
      createdAt: 'created_at',
    })
    .where({ kind: 'local' })
    .orderBy('version', 'desc');
}

/** Makes a stored version the active one (an older one back, after a retraining that did worse). */
export async function activateVersion(db: Queryable, version: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['classifier:versions']);
    if (!(await trx('classifier_models').where({ kind: 'local', version }).first('id'))) return false;
    await trx('classifier_models').update({ active: false }).where({ kind: 'local', active: true });
    await trx('classifier_models').update({ active: true }).where({ kind: 'local', version });
    return true;
  });
}
