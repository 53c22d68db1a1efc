import type { Db, Queryable } from '../db/db';
import type { UnitOfWork, Work } from '../db/unit-of-work';
import { similarity, wordsOf } from '../duplicates/duplicate-score';
import { notifyUsers } from '../outbox/notifications';
import type { Outbox } from '../outbox/outbox';
import { AppError, notFound } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { piiLens } from '../shared/pii';
import type { Actor } from '../shared/roles';
import { compareCounts, periodOf } from './hotspot-report';
import * as repo from './hotspots.repository';
import { cellOf, findSurges, mostSpecific, quietMs, rollUp, weekMs, windowMs, type Surge, type WindowName } from './surge-detector';

/** Who may close a hot spot: the duty chiefs and directors who decide what is done about it. */
export const closers = ['supervisor', 'director'] as const;

const windowLabels: Record<WindowName, string> = { '1h': '近1小时', '24h': '近24小时', '7d': '近7天' };

export interface HotspotView {
  id: number;
  status: 'open' | 'closed';
  severity: 'notice' | 'severe';
  window: WindowName;
  category: { id: number; name: string; parentName: string | null };
  region: { id: number; name: string; level: string };
  ticketCount: number;
  expected: number;
  score: number;
  windowStart: Date;
  windowEnd: Date;
  firstDetectedAt: Date;
  lastDetectedAt: Date;
  closedAt: Date | null;
  note: string | null;
  /** In words: 近1小时 12 件，往常约 0.5 件. */
  summary: string;
}

/**
 * Hot spots (热点, 主动治理): each window is checked at its pace against the tickets' own history; a surge is
 * kept as one open hot spot per cell (found again, it grows), told to the duty chiefs once when found (an
 * in-app notice, live) and once more by SMS if it becomes severe; it ends by itself after a day without
 * being found, or when a supervisor closes it.
 */
export class HotspotsService {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  rules() {
    return repo.listRules(this.db);
  }

  async updateRule(window: WindowName, patch: Parameters<typeof repo.updateRule>[2]) {
    const current = (await repo.listRules(this.db)).find((r) => r.window === window);
    if (!current) throw notFound('热点规则');
    const merged = { ...current, ...patch };
    if (merged.severeScore < merged.minScore)
      throw new AppError(
        'VALIDATION_FAILED',
        `严重阈值（severeScore ${merged.severeScore}）不能低于最低阈值（minScore ${merged.minScore}）`,
      );
    return (await repo.updateRule(this.db, window, patch))!;
  }

  /** Checks every window that is due; how many hot spots were found new. */
  async detectDue(now: Date = new Date()): Promise<number> {
    let found = 0;
    for (const rule of await repo.claimDueRules(this.db, now)) found += await this.detect(rule, now);
    return found;
  }

  /** Checks every active window now, whatever its pace (after a threshold changed: see what it finds). */
  async detectNow(now: Date = new Date()): Promise<number> {
    let found = 0;
    for (const rule of await repo.listRules(this.db)) if (rule.active) found += await this.detect(rule, now);
    return found;
  }

  /** One window now: its surging cells, most specific first, kept and told. How many hot spots are new. */
  async detect(rule: repo.HotspotRuleRow, now: Date = new Date()): Promise<number> {
    const width = windowMs[rule.window];
    const lines = await repo.treeLines(this.db);
    const categoryLine = (id: number) => lines.categories.get(id) ?? [id];
    const regionLine = (id: number) => lines.regions.get(id) ?? [id];
    const count = async (back: number) =>
      rollUp(
        await repo.countCells(this.db, new Date(now.getTime() - back - width), new Date(now.getTime() - back)),
        categoryLine,
        regionLine,
      );
    const [current, ...history] = await Promise.all(Array.from({ length: rule.historyWeeks + 1 }, (_, w) => count(w * weekMs)));
    const surges = mostSpecific(
      findSurges(current!, (key) => history.map((week) => week.get(key) ?? 0), rule),
      (outer, inner) => categoryLine(inner.categoryId).includes(outer.categoryId) && regionLine(inner.regionId).includes(outer.regionId),
    );
    const windowStart = new Date(now.getTime() - width);
    let created = 0;
    await this.work.run(async (work) => {
      await repo.lockHotspots(work.trx);
      await repo.closeQuiet(work.trx, new Date(now.getTime() - quietMs), now);
      for (const surge of surges) if (await this.keep(work, rule.window, surge, windowStart, now)) created += 1;
    });
    if (surges.length > 0) this.logger.info({ window: rule.window, surges: surges.length, created }, 'hot spots found');
    return created;
  }

  /** Keeps a surge as its cell's open hot spot; tells the duty chiefs of a new one, and of one that turned severe. */
  private async keep(work: Work, window: WindowName, surge: Surge, windowStart: Date, now: Date): Promise<boolean> {
    const cell = cellOf(surge.key);
    const finding: repo.Finding = {
      window,
      severity: surge.severe ? 'severe' : 'notice',
      count: surge.count,
      expected: surge.expected,
      score: surge.score,
    };
    const open = await repo.findOpen(work.trx, cell.categoryId, cell.regionId);
    if (!open) {
      await this.tell(work, await repo.insertHotspot(work.trx, cell, finding, windowStart, now), 'new');
      return true;
    }
    await repo.foundAgain(work.trx, open, finding, now);
    if (open.severity !== 'severe' && finding.severity === 'severe') await this.tell(work, open.id, 'severe');
    return false;
  }

  /** The duty chiefs' notice (live), and for a severe hot spot an SMS each; once per hot spot and occasion. */
  private async tell(work: Work, id: number, occasion: 'new' | 'severe'): Promise<void> {
    const spot = (await this.views(work.trx, [id]))[0]!;
    const title = `${spot.severity === 'severe' ? '严重热点' : '热点预警'}｜${spot.region.name} · ${spot.category.name}`;
    const chiefs = await repo.dutyChiefs(work.trx);
    await notifyUsers(
      work,
      chiefs.map((u) => ({
        userId: u.id,
        kind: 'hotspot',
        path: `/hotspots/${id}`,
        title,
        body: `${spot.summary}。请研判是否提前处置（主动治理）。`,
        dedupeKey: `hotspot:${id}:${occasion}`,
      })),
    );
    if (spot.severity !== 'severe') return;
    await this.outbox.write(
      work,
      chiefs
        .filter((u) => u.phone)
        .map((u) => ({
          kind: 'staff.alert' as const,
          channel: 'sms' as const,
          recipient: { phone: u.phone!, userId: u.id },
          payload: { text: `【12345】${title}：${spot.summary}` },
          dedupeKey: `hotspot-sms:${id}:${u.id}`,
        })),
    );
  }

  async list(filter: { status?: 'open' | 'closed'; from?: Date; to?: Date; limit: number }): Promise<HotspotView[]> {
    return this.views(this.db, await repo.listIds(this.db, filter));
  }

  /** A hot spot with the tickets behind it (its categories, its place and below, its time) and the clusters of near-identical texts among them. */
  async get(actor: Actor, id: number) {
    const [spot] = await this.views(this.db, [id]);
    if (!spot) throw notFound('热点');
    const rows = await repo.ticketsBehind(this.db, {
      categoryId: spot.category.id,
      regionId: spot.region.id,
      from: spot.windowStart,
      to: spot.windowEnd,
    });
    const lens = piiLens(actor);
    const title = (ticketId: number) => lens.text(rows.find((r) => r.id === ticketId)!.title);
    const closes = spot.status === 'open' && actor.kind === 'user' && (closers as readonly string[]).includes(actor.role);
    return {
      ...spot,
      allowedActions: closes ? ['close' as const] : [],
      tickets: rows.map((t) => ({
        id: t.id,
        number: t.number,
        title: lens.text(t.title),
        status: t.status,
        createdAt: t.createdAt,
        regionName: t.regionName,
      })),
      clusters: clusterTexts(rows).map((ticketIds) => ({ size: ticketIds.length, ticketIds, sample: title(ticketIds[0]!) })),
    };
  }

  async close(id: number, by: number, note: string): Promise<HotspotView> {
    await repo.closeHotspot(this.db, id, by, note);
    const [spot] = await this.views(this.db, [id]);
    if (!spot) throw notFound('热点');
    return spot;
  }

  /** 热点分析 for a week (Monday to Sunday) or a month, Beijing time, against the period before, with the hot spots found in it. */
  async report(period: 'week' | 'month', day: string) {
    const { from, to, previousFrom } = periodOf(period, day);
    const [now, before, names, found] = await Promise.all([
      repo.countByDistrict(this.db, from, to),
      repo.countByDistrict(this.db, previousFrom, from),
      repo.names(this.db),
      repo.hotspotIdsFound(this.db, from, to),
    ]);
    return { period, from, to, ...compareCounts(now, before, names), hotspots: await this.views(this.db, found) };
  }

  private async views(db: Queryable, ids: number[]): Promise<HotspotView[]> {
    if (ids.length === 0) return [];
    const byId = new Map(
      (await repo.hotspotRows(db, ids)).map((r) => {
        const expected = Math.round(Number(r.expected) * 10) / 10;
        const view: HotspotView = {
          id: Number(r.id),
          status: r.status,
          severity: r.severity,
          window: r.window,
          category: { id: Number(r.categoryId), name: r.categoryName, parentName: r.parentName },
          region: { id: Number(r.regionId), name: r.regionName, level: r.regionLevel },
          ticketCount: r.ticketCount,
          expected,
          score: Math.round(Number(r.score) * 10) / 10,
          windowStart: r.windowStart,
          windowEnd: r.windowEnd,
          firstDetectedAt: r.firstDetectedAt,
          lastDetectedAt: r.lastDetectedAt,
          closedAt: r.closedAt,
          note: r.note,
          summary: `${windowLabels[r.window]} ${r.ticketCount} 件，往常约 ${expected} 件`,
        };
        return [view.id, view];
      }),
    );
    return ids.map((id) => byId.get(id)).filter((v): v is HotspotView => v !== undefined);
  }
}

/** Near-identical texts (the same event told many times): groups of 3 or more whose words mostly agree, biggest first. */
export function clusterTexts(tickets: ReadonlyArray<{ id: number; description: string }>, threshold = 0.5): number[][] {
  const words = tickets.map((t) => wordsOf(t.description));
  const group = tickets.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : (group[i] = root(group[i]!)));
  for (let i = 0; i < tickets.length; i += 1)
    for (let j = i + 1; j < tickets.length; j += 1) if (similarity(words[i]!, words[j]!) >= threshold) group[root(j)] = root(i);
  const clusters = new Map<number, number[]>();
  tickets.forEach((t, i) => clusters.set(root(i), [...(clusters.get(root(i)) ?? []), t.id]));
  return [...clusters.values()].filter((ids) => ids.length >= 3).sort((a, b) => b.length - a.length);
}
