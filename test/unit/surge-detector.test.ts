import { cellKey, expectedCount, findSurges, mostSpecific, rollUp, surpriseScore, type SurgeRule } from '../../src/hotspots/surge-detector';

const rule: SurgeRule = { window: '1h', minCount: 6, minRatio: 4, minScore: 7, severeScore: 10, historyWeeks: 4 };

describe('the surge detector', () => {
  test('when a count is compared with its expectation, then the score is −log10 of the Poisson tail', () => {
    // P(X ≥ 5 | λ = 1) = 1 − e⁻¹(1 + 1 + 1/2 + 1/6 + 1/24) = 0.003660
    expect(surpriseScore(5, 1)).toBeCloseTo(-Math.log10(0.0036598468), 6);
    expect(surpriseScore(1, 2)).toBe(0);
    // Far in the tail, still finite and growing.
    expect(surpriseScore(400, 2)).toBeGreaterThan(surpriseScore(200, 2));
    expect(Number.isFinite(surpriseScore(5_000, 1_000))).toBe(true);
  });

  test('when a quiet cell has no history, then it expects a little, not nothing', () => {
    expect(expectedCount([], 4)).toBe(0.25);
    expect(expectedCount([3, 5, 4, 4], 4)).toBe(4.25);
  });

  test('when a cell is over every threshold, then it surges; under any one, it does not', () => {
    const current = new Map([
      ['a', 8], // history 0: expects 0.25
      ['b', 5], // under minCount
      ['c', 12], // usual: 10 a week
      ['d', 60], // far over a busy usual (10): severe
    ]);
    const history = new Map([
      ['c', [10, 11, 9, 10]],
      ['d', [10, 11, 9, 10]],
    ]);
    const surges = findSurges(current, (key) => history.get(key) ?? [], rule);
    expect(surges.map((s) => [s.key, s.severe])).toEqual([
      ['d', true],
      ['a', false],
    ]);
  });

  test('when a surge is in one community, then its township and district are not told again', () => {
    const lines: Record<number, number[]> = { 11: [11, 10, 1], 10: [10, 1], 1: [1] };
    const counts = rollUp(
      [{ categoryId: 5, regionId: 11, count: 9 }],
      () => [5, 50],
      (id) => lines[id]!,
    );
    expect(counts.get(cellKey(50, 1))).toBe(9);
    const surges = findSurges(counts, () => [], rule);
    expect(surges).toHaveLength(6);
    const told = mostSpecific(surges, (o, i) => [i.categoryId, 50].includes(o.categoryId) && lines[i.regionId]!.includes(o.regionId));
    expect(told.map((s) => s.key)).toEqual([cellKey(5, 11)]);
  });
});
