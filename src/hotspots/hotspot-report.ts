import { weekMs } from './surge-detector';

/**
 * 热点分析: a period's tickets by level-1 category and district against the period before — the top
 * categories and places, and the category × district pairs rising and falling most. Pure: counts in.
 */
type Cell = { categoryId: number; regionId: number | null; n: number };
type Names = { categories: Map<number, string>; regions: Map<number, string> };

export function compareCounts(now: readonly Cell[], before: readonly Cell[], names: Names) {
  const place = (id: number | null) => (id === null ? '未定位' : (names.regions.get(id) ?? String(id)));
  const category = (id: number) => names.categories.get(id) ?? String(id);
  const compare = <K extends string>(key: (c: Cell) => K) => {
    const sum = (cells: readonly Cell[]) => {
      const m = new Map<K, { cell: Cell; n: number }>();
      for (const c of cells) m.set(key(c), { cell: c, n: (m.get(key(c))?.n ?? 0) + c.n });
      return m;
    };
    const [a, b] = [sum(now), sum(before)];
    return [...new Set([...a.keys(), ...b.keys()])].map((k) => {
      const cell = (a.get(k) ?? b.get(k))!.cell;
      const count = a.get(k)?.n ?? 0;
      const previous = b.get(k)?.n ?? 0;
      return { cell, count, previous, change: count - previous };
    });
  };
  const top = <T extends { count: number }>(rows: T[]) => [...rows].sort((x, y) => y.count - x.count).slice(0, 10);
  const pairs = compare((c) => `${c.categoryId}:${c.regionId ?? ''}`).map(({ cell, ...x }) => ({
    categoryId: cell.categoryId,
    regionId: cell.regionId,
    name: `${place(cell.regionId)} · ${category(cell.categoryId)}`,
    ...x,
  }));
  return {
    total: now.reduce((s, c) => s + c.n, 0),
    previousTotal: before.reduce((s, c) => s + c.n, 0),
    topCategories: top(compare((c) => String(c.categoryId))).map(({ cell, count, previous }) => ({
      categoryId: cell.categoryId,
      name: category(cell.categoryId),
      count,
      previous,
    })),
    topPlaces: top(compare((c) => String(c.regionId)).filter((r) => r.cell.regionId !== null)).map(({ cell, count, previous }) => ({
      regionId: cell.regionId!,
      name: place(cell.regionId),
      count,
      previous,
    })),
    rising: pairs
      .filter((p) => p.change > 0)
      .sort((x, y) => y.change - x.change)
      .slice(0, 10),
    falling: pairs
      .filter((p) => p.change < 0)
      .sort((x, y) => x.change - y.change)
      .slice(0, 10),
  };
}

/** A week (Monday to Sunday) or month holding the day, Beijing time, and where the period before it starts. */
export function periodOf(period: 'week' | 'month', day: string): { from: Date; to: Date; previousFrom: Date } {
  const at = (d: string) => new Date(`${d}T00:00:00+08:00`);
  const date = new Date(`${day}T00:00:00Z`);
  if (period === 'week') {
    const monday = new Date(date.getTime() - ((date.getUTCDay() + 6) % 7) * 86_400_000);
    const from = at(monday.toISOString().slice(0, 10));
    return { from, to: new Date(from.getTime() + weekMs), previousFrom: new Date(from.getTime() - weekMs) };
  }
  const month = (offset: number) => new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
  return { from: at(month(0)), to: at(month(1)), previousFrom: at(month(-1)) };
}
