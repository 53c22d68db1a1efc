/**
 * Hot spots (热点): a surge of one kind of request in one place, against that place's own history.
 * Pure: counts in, surges out; the repository counts tickets, the service keeps and announces hot spots.
 *
 * A cell is a category × a region, at every level of both trees: a ticket about 供水 in 滨河社区 counts
 * for (供水, 滨河社区), (供水, 东华街道), (水电气暖, 东城区)… up to (水电气暖, the city). Each window (the
 * last hour, 24 hours, 7 days) is compared with the same window one, two… weeks before (the same
 * weekday and hour: the seasonal baseline), so Monday mornings are measured against Monday mornings.
 */
export const windows = ['1h', '24h', '7d'] as const;
export type WindowName = (typeof windows)[number];
export const windowMs: Record<WindowName, number> = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };
export const weekMs = 604_800_000;

/** A hot spot not found again for this long has ended; found after that, it is a new one (told again). */
export const quietMs = 86_400_000;

/** A window's thresholds, as data (hotspot_rules): all must hold for a cell to be a surge. */
export interface SurgeRule {
  window: WindowName;
  /** At least this many tickets in the window. */
  minCount: number;
  /** At least this many times the expected count. */
  minRatio: number;
  /** At least this score: −log10 of the chance of so many tickets or more, were it an ordinary week. */
  minScore: number;
  /** From this score on, the hot spot is severe (SMS to the duty chief). */
  severeScore: number;
  /** How many earlier weeks make the baseline. */
  historyWeeks: number;
}

export interface Surge {
  key: string;
  count: number;
  expected: number;
  score: number;
  severe: boolean;
}

/**
 * The expected count: the mean of the same window in the earlier weeks, with one ticket spread over
 * them added, so a cell that never had a ticket expects a little, not nothing (four tickets in a quiet
 * cell are a surge; one is not).
 */
export function expectedCount(history: readonly number[], weeks: number): number {
  let sum = 0;
  for (const n of history) sum += n;
  return (sum + 1) / Math.max(1, weeks);
}

/**
 * −log10 P(X ≥ count) for X ~ Poisson(expected): how surprising the count is (6: a one-in-a-million
 * week). Summed over the upper tail in logs, from its first term (the largest, since count > expected).
 */
export function surpriseScore(count: number, expected: number): number {
  if (count <= expected) return 0;
  const logLambda = Math.log(expected);
  let logFirst = -expected;
  for (let k = 1; k <= count; k += 1) logFirst += logLambda - Math.log(k);
  let ratioSum = 1;
  let ratio = 1;
  for (let k = count + 1; ratio > 1e-12 * ratioSum; k += 1) {
    ratio *= expected / k;
    ratioSum += ratio;
  }
  return -(logFirst + Math.log(ratioSum)) / Math.LN10;
}

/** The cells of one window that surge: the count, its expectation and score, over the rule's thresholds. */
export function findSurges(current: ReadonlyMap<string, number>, historyOf: (key: string) => readonly number[], rule: SurgeRule): Surge[] {
  const surges: Surge[] = [];
  for (const [key, count] of current) {
    if (count < rule.minCount) continue;
    const expected = expectedCount(historyOf(key), rule.historyWeeks);
    if (count < rule.minRatio * expected) continue;
    const score = surpriseScore(count, expected);
    if (score < rule.minScore) continue;
    surges.push({ key, count, expected, score, severe: score >= rule.severeScore });
  }
  return surges.sort((a, b) => b.score - a.score);
}

/** A cell's key and its parts. */
export const cellKey = (categoryId: number, regionId: number): string => `${categoryId}:${regionId}`;
export function cellOf(key: string): { categoryId: number; regionId: number } {
  const [categoryId, regionId] = key.split(':').map(Number);
  return { categoryId: categoryId!, regionId: regionId! };
}

/**
 * Ticket counts by (category, region) as stored, rolled up to every cell they belong to: the category
 * and its parent, times the region and its ancestors.
 */
export function rollUp(
  rows: Iterable<{ categoryId: number; regionId: number; count: number }>,
  categoryLine: (categoryId: number) => readonly number[],
  regionLine: (regionId: number) => readonly number[],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { categoryId, regionId, count } of rows) {
    for (const c of categoryLine(categoryId))
      for (const r of regionLine(regionId)) {
        const key = cellKey(c, r);
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
  }
  return counts;
}

/**
 * One surge is told once, at the most specific level that explains it: a cell is left out when a
 * narrower surging cell inside it (a child category or a region below) holds at least half of its
 * excess over the expected count. Forty reports from one 社区 are that 社区's hot spot, not also its
 * 街道's, district's and city's.
 */
export function mostSpecific(
  surges: readonly Surge[],
  contains: (outer: { categoryId: number; regionId: number }, inner: { categoryId: number; regionId: number }) => boolean,
): Surge[] {
  return surges.filter((outer) => {
    const o = cellOf(outer.key);
    const excess = outer.count - outer.expected;
    return !surges.some((inner) => {
      if (inner === outer) return false;
      const i = cellOf(inner.key);
      return contains(o, i) && inner.count - inner.expected >= excess / 2;
    });
  });
}
