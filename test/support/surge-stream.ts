import {
  cellKey,
  cellOf,
  findSurges,
  mostSpecific,
  quietMs,
  rollUp,
  weekMs,
  windowMs,
  type SurgeRule,
  type WindowName,
} from '../../src/hotspots/surge-detector';

/**
 * A synthetic city's stream of tickets with planted surges, run through the hub's own detector as the
 * service runs it (each window checked at its own pace, a hot spot told once and quiet for a day before
 * it can be told again). Deterministic: a seeded generator.
 *
 * The city: 16 districts × 10 townships × 8 communities; 18 level-1 categories × 3–5 level-2 ones with
 * uneven shares; 10,000 tickets a day by default, shaped by hour (busy 8:00–22:00) and weekday (Monday
 * most, Sunday least); 4 weeks of history, then the measured days.
 */
export interface PlantedSurge {
  /** Level-2 category index and community index (0-based). */
  category: number;
  community: number;
  /** Minutes after the measured days start. */
  startMinute: number;
  tickets: number;
  /** Over how many minutes they arrive, and how many townships' communities they spread over (1: one community). */
  overMinutes: number;
  spreadToTownship?: boolean;
  /** The window that must find it, within its length. */
  window: WindowName;
}

export interface StreamResult {
  found: Array<{ surge: PlantedSurge; afterMinutes: number | null }>;
  falseAlarms: number;
  falseAlarmsPerDay: number;
  hotspots: number;
}

const bucketMinutes = 10;
const bucketMs = bucketMinutes * 60_000;
const bucketsPerWeek = weekMs / bucketMs;

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

export function runSurgeStream(options: {
  rules: readonly (SurgeRule & { everyMinutes: number })[];
  planted: readonly PlantedSurge[];
  perDay?: number;
  days?: number;
  seed?: number;
}): StreamResult {
  const perDay = options.perDay ?? 10_000;
  const days = options.days ?? 7;
  const next = random(options.seed ?? 7);

  // Ids: region 1 the city, districts 2–17, townships 100–259, communities 1000–2279; categories 1–18 level 1, 100+ level 2.
  const districts = 16;
  const townships = districts * 10;
  const communities = townships * 8;
  const communityId = (i: number) => 1_000 + i;
  const townshipOf = (c: number) => Math.floor(c / 8);
  const regionLines = new Map<number, number[]>();
  for (let c = 0; c < communities; c += 1) {
    const t = townshipOf(c);
    regionLines.set(communityId(c), [communityId(c), 100 + t, 2 + Math.floor(t / 10), 1]);
  }
  const categoryLines = new Map<number, number[]>();
  const levelTwo: number[] = [];
  for (let p = 1; p <= 18; p += 1) for (let k = 0; k < 3 + (p % 3); k += 1) levelTwo.push(100 + p * 10 + k);
  for (const id of levelTwo) categoryLines.set(id, [id, Math.floor((id - 100) / 10)]);
  for (let p = 1; p <= 18; p += 1) categoryLines.set(p, [p]);
  // Uneven shares: category i by 1/(i+2), district by 1/(d+3); communities within a district alike.
  const categoryWeights = levelTwo.map((_, i) => 1 / (i + 2));
  const districtWeights = Array.from({ length: districts }, (_, d) => 1 / (d + 3));
  const pick = (weights: number[]) => {
    const total = weights.reduce((a, b) => a + b, 0);
    let x = next() * total;
    for (let i = 0; i < weights.length; i += 1) if ((x -= weights[i]!) < 0) return i;
    return weights.length - 1;
  };
  const hourShape = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 22 ? 1 : h >= 6 && h < 23 ? 0.4 : 0.08));
  const weekdayShape = [1.25, 1.1, 1.05, 1, 1, 0.85, 0.75]; // Monday first
  const shapeTotal = hourShape.reduce((a, b) => a + b, 0);

  // buckets[b]: (category, community) → count, for every 10 minutes of the history and measured days.
  const historyBuckets = 4 * bucketsPerWeek;
  const totalBuckets = historyBuckets + days * 144;
  const buckets: Array<Map<string, number>> = Array.from({ length: totalBuckets }, () => new Map());
  const add = (b: number, category: number, community: number) => {
    if (b >= totalBuckets) return;
    const key = cellKey(category, community);
    buckets[b]!.set(key, (buckets[b]!.get(key) ?? 0) + 1);
  };
  for (let b = 0; b < totalBuckets; b += 1) {
    const hour = Math.floor((b % 144) / 6);
    const weekday = Math.floor(b / 144) % 7;
    const mean = (((perDay * weekdayShape[weekday]!) / shapeTotal) * hourShape[hour]!) / 6;
    // Poisson by counting exponential gaps.
    let n = 0;
    for (let t = -Math.log(1 - next()); t < mean; t += -Math.log(1 - next())) n += 1;
    for (let i = 0; i < n; i += 1) {
      const d = pick(districtWeights);
      add(b, levelTwo[pick(categoryWeights)]!, communityId(d * 80 + Math.floor(next() * 80)));
    }
  }
  for (const s of options.planted) {
    for (let i = 0; i < s.tickets; i += 1) {
      const minute = s.startMinute + (s.overMinutes * i) / s.tickets;
      const community = s.spreadToTownship ? townshipOf(s.community) * 8 + (i % 8) : s.community;
      add(historyBuckets + Math.floor(minute / bucketMinutes), levelTwo[s.category]!, communityId(community));
    }
  }

  const categoryLine = (id: number) => categoryLines.get(id)!;
  const regionLine = (id: number) => regionLines.get(id)!;
  const rolled = buckets.map((bucket) =>
    rollUp(
      [...bucket].map(([key, count]) => ({ ...cellOf(key), count })),
      categoryLine,
      regionLine,
    ),
  );
  const contains = (o: { categoryId: number; regionId: number }, i: { categoryId: number; regionId: number }) =>
    categoryLine(i.categoryId).includes(o.categoryId) && regionAncestors(i.regionId).includes(o.regionId);
  // A region and the regions above it.
  function regionAncestors(id: number): number[] {
    if (id === 1) return [1];
    if (id < 100) return [id, 1];
    if (id < 1_000) return [id, 2 + Math.floor((id - 100) / 10), 1];
    return regionLine(id);
  }
  // Each window's sums slide with the clock: now, and the same window 1…historyWeeks weeks before.
  const sliding = options.rules.map((rule) => ({
    rule,
    width: windowMs[rule.window] / bucketMs,
    sums: Array.from({ length: rule.historyWeeks + 1 }, () => new Map<string, number>()),
  }));
  const shift = (sum: Map<string, number>, bucket: number, sign: 1 | -1) => {
    if (bucket < 0) return;
    for (const [key, n] of rolled[bucket]!) {
      const v = (sum.get(key) ?? 0) + sign * n;
      if (v === 0) sum.delete(key);
      else sum.set(key, v);
    }
  };
  for (const s of sliding)
    for (let w = 0; w <= s.rule.historyWeeks; w += 1)
      for (let b = historyBuckets - s.width - w * bucketsPerWeek; b < historyBuckets - w * bucketsPerWeek; b += 1) shift(s.sums[w]!, b, 1);

  const lastTold = new Map<string, number>();
  const told: Array<{ key: string; atMinute: number; window: WindowName }> = [];
  for (let step = 1; step <= days * 144; step += 1) {
    const nowBucket = historyBuckets + step; // detection at the end of bucket nowBucket − 1
    for (const { rule, width, sums } of sliding) {
      for (let w = 0; w <= rule.historyWeeks; w += 1) {
        shift(sums[w]!, nowBucket - 1 - w * bucketsPerWeek, 1);
        shift(sums[w]!, nowBucket - 1 - width - w * bucketsPerWeek, -1);
      }
      if ((step * bucketMinutes) % rule.everyMinutes !== 0) continue;
      const historyOf = (key: string) => sums.slice(1).map((sum) => sum.get(key) ?? 0);
      const atMs = step * bucketMs;
      for (const surge of mostSpecific(findSurges(sums[0]!, historyOf, rule), contains)) {
        const last = lastTold.get(surge.key);
        lastTold.set(surge.key, atMs);
        if (last !== undefined && atMs - last < quietMs) continue;
        told.push({ key: surge.key, atMinute: step * bucketMinutes, window: rule.window });
      }
    }
  }

  const covers = (key: string, s: PlantedSurge) => {
    const { categoryId, regionId } = cellOf(key);
    const community = communityId(s.community);
    const regionOk = regionAncestors(s.spreadToTownship ? 100 + townshipOf(s.community) : community).includes(regionId);
    return categoryLine(levelTwo[s.category]!).includes(categoryId) && regionOk;
  };
  const found = options.planted.map((surge) => {
    const hit = told.find(
      (t) =>
        covers(t.key, surge) &&
        t.atMinute >= surge.startMinute &&
        t.atMinute <= surge.startMinute + surge.overMinutes + windowMs[surge.window] / 60_000,
    );
    return { surge, afterMinutes: hit ? hit.atMinute - surge.startMinute : null };
  });
  const falseAlarms = told.filter((t) => !options.planted.some((s) => covers(t.key, s) && t.atMinute >= s.startMinute)).length;
  return { found, falseAlarms, falseAlarmsPerDay: falseAlarms / days, hotspots: told.length };
}
