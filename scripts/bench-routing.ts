/**
 * npm run bench:routing — routing decisions per second on one core, with a dispatch catalog of
 * 2,000 entries over a region tree of 5,000 nodes (issue 5: target ≥ 20,000 decisions/s).
 * Pure in-memory work, as in the hub: the catalog is compiled once (and again on change).
 * Options: --entries N --regions N --seconds S.
 */
import {
  DispatchCatalog,
  findConflict,
  type CatalogEntry,
  type RoutingInput,
  type RoutingReferences,
} from '../src/routing/dispatch-catalog';
import { requestTypes } from '../src/tickets/ticket.types';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const entryCount = arg('entries', 2_000);
const regionCount = arg('regions', 5_000);
const seconds = arg('seconds', 3);

// A deterministic pseudo-random sequence, so runs are comparable.
let seed = 42;
const random = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function regionTree(total: number): RoutingReferences['regions'] {
  const regions: Array<RoutingReferences['regions'][number]> = [{ id: 1, parentId: null, level: 'city', name: '市' }];
  const levels = ['district', 'township', 'village'] as const;
  const fanout = [16, 15, 19];
  let frontier = [1];
  for (const [depth, level] of levels.entries()) {
    const next: number[] = [];
    for (const parentId of frontier) {
      for (let i = 0; i < fanout[depth]! && regions.length < total; i++) {
        const id = regions.length + 1;
        regions.push({ id, parentId, level, name: `${level}${id}` });
        next.push(id);
      }
    }
    frontier = next;
  }
  // Grids under villages until the tree has `total` nodes.
  for (let i = 0; regions.length < total; i++) {
    const id = regions.length + 1;
    regions.push({ id, parentId: frontier[i % frontier.length]!, level: 'grid', name: `grid${id}` });
  }
  return regions;
}

const regions = regionTree(regionCount);
const categories: Array<RoutingReferences['categories'][number]> = [];
for (let top = 1; top <= 20; top++) {
  categories.push({ id: top * 100, parentId: null, level: 1, name: `c${top}` });
  for (let child = 1; child <= 8; child++)
    categories.push({ id: top * 100 + child, parentId: top * 100, level: 2, name: `c${top}-${child}` });
}
const districts = regions.filter((r) => r.level === 'district');
const departments = [
  ...Array.from({ length: 300 }, (_, i) => ({ id: i + 1, name: `d${i + 1}`, kind: 'functional', regionId: 1, active: true })),
  ...districts.map((d, i) => ({ id: 1_000 + i, name: `gov${d.id}`, kind: 'district_gov', regionId: d.id, active: true })),
];
const keywordPool = ['停水', '停电', '噪声', '油烟', '井盖', '路灯', '占道', '拖欠', '物业', '电梯', '燃气', '违建'];

const placeable = regions.filter((r) => r.level !== 'grid');
const entries: CatalogEntry[] = [];
while (entries.length < entryCount) {
  const candidate: CatalogEntry = {
    id: entries.length + 1,
    name: `e${entries.length + 1}`,
    categoryId: random() < 0.85 ? pick(categories).id : null,
    requestType: random() < 0.2 ? pick(requestTypes) : null,
    regionId: random() < 0.6 ? pick(placeable).id : null,
    matter: null,
    keywords: random() < 0.15 ? [pick(keywordPool)] : [],
    leadDepartmentId: 1 + Math.floor(random() * 300),
    assistDepartmentIds: [],
    priority: Math.floor(random() * 3),
    effectiveFrom: null,
    effectiveTo: null,
  };
  // A realistic catalog: entries without a category name a place or keywords.
  if (candidate.categoryId === null && candidate.regionId === null && candidate.keywords.length === 0) continue;
  if (!findConflict(candidate, entries)) entries.push(candidate);
}

const texts = ['小区门口路灯不亮', '楼上装修噪声扰民', '家里停水两天', '公司拖欠工资三个月', '电梯经常故障', '餐馆油烟太大'];
const inputs: RoutingInput[] = Array.from({ length: 10_000 }, () => ({
  categoryId: random() < 0.9 ? pick(categories).id : null,
  requestType: pick(requestTypes),
  regionId: random() < 0.8 ? pick(regions).id : null,
  matter: null,
  text: pick(texts),
  today: '2026-11-22',
}));

let started = process.hrtime.bigint();
const catalog = new DispatchCatalog(entries, { categories, regions, departments }, 1);
const compileMs = Number(process.hrtime.bigint() - started) / 1e6;

// Warm up, then count decisions in the time given.
for (let i = 0; i < 20_000; i++) catalog.resolve(inputs[i % inputs.length]!);
const outcomes = { catalog: 0, fallback_district: 0, center_queue: 0 };
let decisions = 0;
started = process.hrtime.bigint();
const until = started + BigInt(seconds * 1e9);
while (process.hrtime.bigint() < until) {
  for (let i = 0; i < 1_000; i++) outcomes[catalog.resolve(inputs[(decisions + i) % inputs.length]!).outcome]++;
  decisions += 1_000;
}
const elapsed = Number(process.hrtime.bigint() - started) / 1e9;

console.log(
  `catalog: ${entries.length} entries, ${regions.length} regions, ${categories.length} categories, ${departments.length} departments (compiled in ${compileMs.toFixed(1)} ms)`,
);
console.log(
  `decisions: ${decisions} in ${elapsed.toFixed(2)} s on one core → ${Math.round(decisions / elapsed).toLocaleString('en-US')} decisions/s (${((elapsed / decisions) * 1e6).toFixed(2)} µs each)`,
);
console.log(
  `outcomes: ${Object.entries(outcomes)
    .map(([k, v]) => `${k} ${((v / decisions) * 100).toFixed(1)}%`)
    .join(', ')}`,
);
