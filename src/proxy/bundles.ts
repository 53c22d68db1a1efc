import { z } from 'zod';
import type { Queryable } from '../db/db';
import { conflict, invalid } from '../shared/errors';
import { matterColumns, type Material, type Matter } from './matters';
import { serviceModeLabels } from './proxy-labels';

/**
 * 一件事一次办: a bundle's situation (办事情景) is served as one matter — one combined checklist (一套材料: an item
 * several matters need is collected once, in the strictest form and the largest number any asks for), one
 * 一次性告知单, one mandate, one order — with one submission and one result per matter.
 */

export const scenarioFields = {
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,29}$/, '大写字母编码'),
  name: z.string().trim().min(2).max(60),
  matterIds: z
    .array(z.number().int().positive())
    .min(2)
    .max(20)
    .refine((ids) => new Set(ids).size === ids.length, '同一事项只能出现一次'),
  legalDays: z.number().int().min(1).max(365),
  notice: z.string().trim().max(500).nullable().default(null),
  active: z.boolean().default(true),
};
export const bundleSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]{1,29}$/, '大写字母编码'),
  name: z.string().trim().min(2).max(60),
  description: z.string().trim().max(500).nullable().default(null),
  active: z.boolean().default(true),
  scenarios: z
    .array(z.strictObject(scenarioFields))
    .min(1)
    .max(30)
    .refine((list) => new Set(list.map((s) => s.code)).size === list.length, '办事情景编码不能重复'),
});
export type BundleInput = z.infer<typeof bundleSchema>;
export type ScenarioInput = BundleInput['scenarios'][number];

export interface Scenario extends ScenarioInput {
  id: number;
  bundleId: number;
  bundleName: string;
}

/** One line of a combined checklist: the item, and the matters that need it. */
export interface ChecklistItem extends Material {
  matters: string[];
}

const formStrength = { original: 2, copy: 1, either: 0 } as const;

/** The combined checklist: each item once, in the strictest form and largest number asked; deferrable only if every matter lets it follow. */
export function combinedChecklist(matters: readonly Matter[]): ChecklistItem[] {
  const items = new Map<string, ChecklistItem>();
  for (const matter of matters) {
    for (const material of matter.materials) {
      const seen = items.get(material.key);
      if (!seen) {
        items.set(material.key, { ...material, matters: [matter.name] });
        continue;
      }
      if (formStrength[material.form] > formStrength[seen.form]) seen.form = material.form;
      seen.count = Math.max(seen.count, material.count);
      seen.deferrable &&= material.deferrable;
      seen.matters.push(matter.name);
    }
  }
  return [...items.values()];
}

/**
 * The situation as the one matter its order is served under: the combined checklist, its promised limit, the ways
 * every matter allows, each matter's trips saved together.
 */
export function scenarioAsMatter(scenario: Scenario, matters: readonly Matter[]): Matter & { parts: Matter[]; checklist: ChecklistItem[] } {
  const checklist = combinedChecklist(matters);
  const common = <T>(lists: ReadonlyArray<readonly T[]>) =>
    lists.reduce<T[]>((acc, list) => acc.filter((x) => list.includes(x)), [...lists[0]!]);
  const deliveryOptions = common(matters.map((m) => m.deliveryOptions));
  return {
    id: scenario.id,
    code: scenario.code,
    name: scenario.name,
    departmentId: null,
    legalDays: scenario.legalDays,
    materials: checklist.map(({ matters: _, ...material }) => material),
    serviceModes: common(matters.map((m) => m.serviceModes)),
    deliveryOptions: deliveryOptions.length > 0 ? deliveryOptions : ['window'],
    eligibility: [scenario.notice, ...matters.map((m) => m.eligibility && `${m.name}${m.eligibility}`)].filter(Boolean).join('；') || null,
    tripsSaved: matters.reduce((sum, m) => sum + m.tripsSaved, 0),
    active: scenario.active,
    parts: [...matters],
    checklist,
  };
}

const scenarioColumns = {
  id: 's.id',
  bundleId: 's.bundle_id',
  bundleName: 'b.name',
  code: 's.code',
  name: 's.name',
  matterIds: 's.matter_ids',
  legalDays: 's.legal_days',
  notice: 's.notice',
  active: 's.active',
};

function scenarios(db: Queryable) {
  return db('proxy_bundle_scenarios as s').join('proxy_bundles as b', 'b.id', 's.bundle_id').select(scenarioColumns);
}

function normalise(row: Scenario): Scenario {
  return { ...row, matterIds: row.matterIds.map(Number) };
}

export async function findScenario(db: Queryable, by: { id: number } | { codeOrName: string }): Promise<Scenario | undefined> {
  const query = scenarios(db);
  if ('id' in by) query.where('s.id', by.id);
  else query.where('s.code', by.codeOrName).orWhere('s.name', by.codeOrName);
  const row = await query.first<Scenario | undefined>();
  return row && normalise(row);
}

/** The situation's matters, in the situation's order. */
export async function scenarioMatters(db: Queryable, scenario: Scenario): Promise<Matter[]> {
  const rows: Matter[] = await db('proxy_matters').select(matterColumns).whereIn('id', scenario.matterIds);
  return scenario.matterIds.map((id) => rows.find((m) => m.id === id)).filter((m): m is Matter => m !== undefined);
}

export type ServedScenario = ReturnType<typeof scenarioAsMatter>;

/** The situation as its order's matter. */
export async function servedScenario(db: Queryable, scenarioId: number): Promise<ServedScenario | undefined> {
  const scenario = await findScenario(db, { id: scenarioId });
  return scenario && scenarioAsMatter(scenario, await scenarioMatters(db, scenario));
}

/** The bundles, each situation with its combined checklist and what it cuts. */
export async function listBundles(db: Queryable) {
  const [bundles, all, matters] = await Promise.all([
    db('proxy_bundles')
      .select({ id: 'id', code: 'code', name: 'name', description: 'description', active: 'active' })
      .orderBy('id') as Promise<Array<{ id: number; code: string; name: string; description: string | null; active: boolean }>>,
    scenarios(db).orderBy('s.id') as Promise<Scenario[]>,
    db('proxy_matters').select(matterColumns) as Promise<Matter[]>,
  ]);
  return bundles.map((b) => ({
    ...b,
    scenarios: all
      .filter((s) => s.bundleId === b.id)
      .map((row) => {
        const scenario = normalise(row);
        const served = scenarioAsMatter(
          scenario,
          scenario.matterIds.map((id) => matters.find((m) => m.id === id)).filter((m) => m !== undefined),
        );
        return {
          ...scenario,
          matterNames: served.parts.map((m) => m.name),
          serviceModes: served.serviceModes,
          eligibility: served.eligibility,
          checklist: served.checklist,
          reduction: reduction(served),
        };
      }),
  }));
}

/** A bundle with its situations: created, or (by its code) replaced; situations no longer named are retired. */
export async function upsertBundle(db: Queryable, input: BundleInput): Promise<number> {
  const [bundle] = await db('proxy_bundles')
    .insert({ code: input.code, name: input.name, description: input.description, active: input.active })
    .onConflict('code')
    .merge({ name: input.name, description: input.description, active: input.active, updated_at: db.fn.now() })
    .returning<Array<{ id: number }>>('id');
  for (const s of input.scenarios) {
    const row = await db('proxy_bundle_scenarios')
      .insert({
        bundle_id: bundle!.id,
        code: s.code,
        name: s.name,
        matter_ids: s.matterIds,
        legal_days: s.legalDays,
        notice: s.notice,
        active: s.active,
      })
      .onConflict('code')
      .merge(['name', 'matter_ids', 'legal_days', 'notice', 'active'])
      .where('proxy_bundle_scenarios.bundle_id', bundle!.id)
      .returning('id');
    if (row.length === 0) throw conflict(`办事情景 ${s.code} 属于另一个“一件事”`);
  }
  await db('proxy_bundle_scenarios')
    .update({ active: false, updated_at: db.fn.now() })
    .where({ bundle_id: bundle!.id })
    .whereNotIn(
      'code',
      input.scenarios.map((s) => s.code),
    );
  return bundle!.id;
}

export interface OrderMatter {
  matterId: number;
  name: string;
  status: 'pending' | 'submitted' | 'approved' | 'refused';
  acceptanceNumber: string | null;
  submittedAt: Date | null;
  resultNote: string | null;
  resultAt: Date | null;
}

/** A bundled order's matters: one row each, as its situation names them (a changed situation drops untouched ones). */
export async function syncOrderMatters(db: Queryable, orderId: number, matterIds: readonly number[]): Promise<void> {
  await db('proxy_order_matters').where({ order_id: orderId, status: 'pending' }).whereNotIn('matter_id', matterIds).delete();
  if (matterIds.length === 0) return;
  await db('proxy_order_matters')
    .insert(matterIds.map((matterId, position) => ({ order_id: orderId, matter_id: matterId, position })))
    .onConflict(['order_id', 'matter_id'])
    .merge(['position']);
}

export function orderMatters(db: Queryable, orderId: number): Promise<OrderMatter[]> {
  return db('proxy_order_matters as om')
    .join('proxy_matters as m', 'm.id', 'om.matter_id')
    .select({
      matterId: 'om.matter_id',
      name: 'm.name',
      status: 'om.status',
      acceptanceNumber: 'om.acceptance_number',
      submittedAt: 'om.submitted_at',
      resultNote: 'om.result_note',
      resultAt: 'om.result_at',
    })
    .where('om.order_id', orderId)
    .orderBy('om.position')
    .then((rows: OrderMatter[]) => rows.map((r) => ({ ...r, matterId: Number(r.matterId) })));
}

export async function setOrderMatter(
  db: Queryable,
  orderId: number,
  matterId: number,
  patch:
    | { status: 'submitted'; acceptanceNumber: string; byUserId: number }
    | { status: 'approved' | 'refused'; note: string | null; byUserId: number },
): Promise<void> {
  await db('proxy_order_matters')
    .update(
      patch.status === 'submitted'
        ? { status: 'submitted', acceptance_number: patch.acceptanceNumber, submitted_at: db.fn.now(), by_user_id: patch.byUserId }
        : { status: patch.status, result_note: patch.note, result_at: db.fn.now(), by_user_id: patch.byUserId },
    )
    .where({ order_id: orderId, matter_id: matterId });
}

/** The bundle's situation a 代办 request names, servable in the given mode (by every matter of it); undefined when none is named so; a 400 when it cannot be served. */
export async function servableScenario(
  db: Queryable,
  codeOrName: string,
  serviceMode?: Matter['serviceModes'][number],
): Promise<Scenario | undefined> {
  const scenario = await findScenario(db, { codeOrName });
  if (!scenario) return undefined;
  if (!scenario.active) throw invalid(`「${scenario.name}」已停止受理（一件事一次办）`);
  const served = scenarioAsMatter(scenario, await scenarioMatters(db, scenario));
  if (served.parts.some((m) => !m.active)) throw invalid(`「${scenario.name}」包含已不在目录中的事项`);
  if (serviceMode && !served.serviceModes.includes(serviceMode))
    throw invalid(
      `「${scenario.name}」不能以${serviceModeLabels[serviceMode]}方式办理${served.eligibility ? `：${served.eligibility}` : ''}`,
    );
  return scenario;
}

/**
 * What the reports publish of a situation: materials asked separately against once (材料精简), application forms
 * separately against one (多表合一), and the trips a full proxy saves for all its matters.
 */
export function reduction(served: ServedScenario) {
  return {
    materialsSeparate: served.parts.reduce((sum, m) => sum + m.materials.length, 0),
    materialsCombined: served.checklist.length,
    formsSeparate: served.parts.length,
    formsCombined: 1,
    tripsSaved: served.tripsSaved,
  };
}

/** A bundled order's part of its answer: the situation, each matter's submission and result, the combined checklist. */
export async function bundleOf(db: Queryable, orderId: number, served: ServedScenario) {
  const scenario = await findScenario(db, { id: served.id });
  return {
    bundleName: scenario?.bundleName ?? '',
    scenario: { id: served.id, code: served.code, name: served.name, legalDays: served.legalDays },
    matters: await orderMatters(db, orderId),
    checklist: served.checklist,
    reduction: reduction(served),
  };
}
