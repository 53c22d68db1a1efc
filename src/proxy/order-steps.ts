import type { Queryable } from '../db/db';
import type { UserActor } from '../shared/roles';
import type { Matter } from './matters';
import { servedScenario } from './bundles';
import { insertStep, materialMovements, type OrderRecord } from './orders.repository';
import { findMatterById } from './runners.repository';

import { proxyStepLabels, type ProxyStep } from './proxy-labels';

export { proxyStepLabels, type ProxyStep };

export const proxyActor = { kind: 'system' as const, name: 'proxy' };

/**
 * Who reaches an order: the one holding it (a runner, or a window's chief representative), the head of the team it
 * belongs to, and the center. Other runners and staff do not know it exists.
 */
export function reaches(actor: UserActor, order: OrderRecord): boolean {
  if (order.runnerUserId === actor.userId) return true;
  if (actor.role === 'runner' || actor.role === 'agent') return false;
  if (actor.role === 'dept_head') return order.teamId === actor.departmentId;
  return true;
}

/** A step on the order's record: who, what, and the note. */
export function recordStep(
  db: Queryable,
  order: OrderRecord,
  step: ProxyStep,
  actor: UserActor | null,
  note: string | null,
  data: Record<string, unknown> | null,
): Promise<void> {
  return insertStep(db, {
    orderId: order.id,
    step,
    actorUserId: actor?.userId ?? null,
    actorName: actor?.displayName ?? proxyActor.name,
    note,
    data,
  });
}

/**
 * Required items not yet in hand in the form and number the matter asks for: an original
 * required is met only by originals, a copy by a copy or an original, "either" by both;
 * what was returned to the applicant is no longer in hand. A deferrable item counts once it is
 * deferred on a promise (容缺).
 */
export async function materialShortfalls(
  db: Queryable,
  orderId: number,
  matter: Matter,
): Promise<Array<{ itemKey: string; name: string; form: Matter['materials'][number]['form']; needed: number; held: number }>> {
  const rows = await materialMovements(db, orderId);
  const shortfalls = [];
  for (const item of matter.materials) {
    const mine = rows.filter((r) => r.item_key === item.key);
    if (item.deferrable && mine.some((r) => r.direction === 'deferred')) continue;
    const accepted = mine.filter((r) => item.form !== 'original' || r.form === 'original');
    const held = accepted.reduce((sum, r) => sum + (r.direction === 'received' ? r.count : r.direction === 'returned' ? -r.count : 0), 0);
    if (held < item.count)
      shortfalls.push({ itemKey: item.key, name: item.name, form: item.form, needed: item.count, held: Math.max(0, held) });
  }
  return shortfalls;
}

/** What the order is served under: its matter, or its bundle's situation as one matter (一件事一次办). */
export function orderMatter(db: Queryable, order: Pick<OrderRecord, 'matterId' | 'scenarioId'>): Promise<Matter | undefined> {
  if (order.scenarioId !== null) return servedScenario(db, order.scenarioId);
  return order.matterId === null ? Promise.resolve(undefined) : findMatterById(db, order.matterId);
}
