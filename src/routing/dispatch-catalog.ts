import type { RegionLevel } from '../org/org.types';
import type { RequestType } from '../tickets/ticket.types';

/**
 * The dispatch catalog (派单目录) in memory: which department leads a ticket, decided by the
 * most specific matching entry. Pure and synchronous — the service compiles it from the
 * database and recompiles when the catalog, the region tree or the departments change.
 *
 * Specificity, compared in this order (the first difference decides):
 *   1. matter (代办事项) named           2. category: level 2 > level 1 > any
 *   3. region: deeper > shallower > any 4. request type named   5. keywords named
 * then the higher priority; then, among keyword entries, more keywords found; then the older entry.
 * Two entries that could match the same ticket with the same specificity and priority are a
 * conflict and never both exist (see findConflict). No match: the district/county government of
 * the ticket's place (属地兜底); no place: the hotline center's triage queue.
 */

export interface CatalogEntry {
  id: number;
  name: string;
  categoryId: number | null;
  requestType: RequestType | null;
  regionId: number | null;
  matter: string | null;
  keywords: string[];
  leadDepartmentId: number;
  assistDepartmentIds: number[];
  priority: number;
  /** Asia/Shanghai calendar days, inclusive. */
  effectiveFrom: string | null;
  effectiveTo: string | null;
}

export interface RoutingReferences {
  categories: ReadonlyArray<{ id: number; parentId: number | null; level: number; name: string }>;
  regions: ReadonlyArray<{ id: number; parentId: number | null; level: RegionLevel; name: string }>;
  departments: ReadonlyArray<{ id: number; name: string; kind: string; regionId: number | null; active: boolean }>;
}

export interface RoutingInput {
  categoryId: number | null;
  requestType: RequestType;
  regionId: number | null;
  matter: string | null;
  text: string;
  /** Today in Asia/Shanghai, YYYY-MM-DD (entries outside their effective dates do not match). */
  today: string;
}

export interface RoutingDecision {
  outcome: 'catalog' | 'fallback_district' | 'center_queue';
  department: { id: number; name: string } | null;
  assistDepartments: Array<{ id: number; name: string }>;
  entry: {
    id: number;
    name: string;
    priority: number;
    byMatter: boolean;
    /** A 代办 entry (requestType proxy). */ forProxy: boolean;
    matchedOn: string[];
  } | null;
  catalogVersion: number;
  /** Matching entries, the winner included. */
  matchedEntries: number;
  /** Why, step by step, for the operator (zh-CN). */
  explanation: string[];
}

const regionDepth: Record<RegionLevel, number> = { city: 1, district: 2, township: 3, village: 4, grid: 5 };

interface CompiledEntry extends CatalogEntry {
  specificity: number;
  /** Lower-cased keywords, for matching against lower-cased text. */
  needles: string[];
  matchedOn: string[];
}

export class DispatchCatalog {
  private readonly byCategory = new Map<number, CompiledEntry[]>();
  private readonly anyCategory: CompiledEntry[] = [];
  private readonly categoryParent = new Map<number, number | null>();
  /** Each region with its ancestors, itself first. */
  private readonly regionLine = new Map<number, number[]>();
  private readonly regionNames = new Map<number, string>();
  private readonly districtGovernment = new Map<number, { id: number; name: string }>();
  private readonly departmentNames = new Map<number, string>();
  /** Entries left out because a department they name is inactive (shown by the admin API). */
  readonly skipped: Array<{ entryId: number; reason: string }> = [];
  readonly size: number;

  constructor(
    entries: readonly CatalogEntry[],
    references: RoutingReferences,
    readonly version: number,
  ) {
    const categories = new Map(references.categories.map((c) => [c.id, c]));
    for (const c of references.categories) this.categoryParent.set(c.id, c.parentId);
    const regions = new Map(references.regions.map((r) => [r.id, r]));
    for (const r of references.regions) {
      this.regionNames.set(r.id, r.name);
      const line: number[] = [];
      for (let at: typeof r | undefined = r; at && line.length < 10; at = at.parentId === null ? undefined : regions.get(at.parentId))
        line.push(at.id);
      this.regionLine.set(r.id, line);
    }
    const active = new Set<number>();
    for (const d of references.departments) {
      this.departmentNames.set(d.id, d.name);
      if (!d.active) continue;
      active.add(d.id);
      if (d.kind === 'district_gov' && d.regionId !== null) this.districtGovernment.set(d.regionId, { id: d.id, name: d.name });
    }

    for (const entry of entries) {
      const inactive = [entry.leadDepartmentId, ...entry.assistDepartmentIds].filter((id) => !active.has(id));
      if (inactive.length > 0) {
        this.skipped.push({ entryId: entry.id, reason: `department(s) ${inactive.join(', ')} inactive` });
        continue;
      }
      const category = entry.categoryId === null ? undefined : categories.get(entry.categoryId);
      const region = entry.regionId === null ? undefined : regions.get(entry.regionId);
      const compiled: CompiledEntry = {
        ...entry,
        specificity: specificityOf(entry, category?.level ?? 0, region ? regionDepth[region.level] : 0),
        needles: entry.keywords.map((k) => k.toLowerCase()),
        matchedOn: [
          ...(entry.matter ? [`事项「${entry.matter}」`] : []),
          ...(category ? [`分类「${category.name}」`] : []),
          ...(region ? [`区域「${region.name}」`] : []),
          ...(entry.requestType ? [`诉求类型 ${entry.requestType}`] : []),
          ...(entry.keywords.length ? [`关键词 ${entry.keywords.join('/')}`] : []),
        ],
      };
      if (entry.categoryId === null) this.anyCategory.push(compiled);
      else {
        const bucket = this.byCategory.get(entry.categoryId) ?? [];
        bucket.push(compiled);
        this.byCategory.set(entry.categoryId, bucket);
      }
    }
    this.size = entries.length - this.skipped.length;
  }

  resolve(input: RoutingInput): RoutingDecision {
    const regions = input.regionId === null ? undefined : this.regionLine.get(input.regionId);
    const text = input.text.toLowerCase();
    let best: CompiledEntry | undefined;
    let bestHits = 0;
    let matched = 0;
    const consider = (bucket: readonly CompiledEntry[] | undefined) => {
      if (!bucket) return;
      for (const entry of bucket) {
        if (entry.requestType !== null && entry.requestType !== input.requestType) continue;
        // A 代办 request goes to the runners: only entries for 代办 (by request type or matter) route it.
        if (input.requestType === 'proxy' && entry.requestType !== 'proxy' && entry.matter === null) continue;
        if (entry.matter !== null && entry.matter !== input.matter) continue;
        if (entry.regionId !== null && !regions?.includes(entry.regionId)) continue;
        if (entry.effectiveFrom !== null && input.today < entry.effectiveFrom) continue;
        if (entry.effectiveTo !== null && input.today > entry.effectiveTo) continue;
        let hits = 0;
        if (entry.needles.length > 0) {
          for (const needle of entry.needles) if (text.includes(needle)) hits++;
          if (hits === 0) continue;
        }
        matched++;
        if (!best || beats(entry, hits, best, bestHits)) {
          best = entry;
          bestHits = hits;
        }
      }
    };
    if (input.categoryId !== null) {
      consider(this.byCategory.get(input.categoryId));
      const parent = this.categoryParent.get(input.categoryId);
      if (parent !== null && parent !== undefined) consider(this.byCategory.get(parent));
    }
    consider(this.anyCategory);

    if (best) {
      const explanation = [
        `匹配派单目录 #${best.id}「${best.name}」：${best.matchedOn.join('，') || '任意诉求'}（优先级 ${best.priority}）`,
      ];
      if (matched > 1) explanation.push(`另有 ${matched - 1} 条目录匹配，但不如此条具体或优先`);
      return {
        outcome: 'catalog',
        department: this.department(best.leadDepartmentId),
        assistDepartments: best.assistDepartmentIds.map((id) => this.department(id)),
        entry: {
          id: best.id,
          name: best.name,
          priority: best.priority,
          byMatter: best.matter !== null,
          forProxy: best.requestType === 'proxy',
          matchedOn: best.matchedOn,
        },
        catalogVersion: this.version,
        matchedEntries: matched,
        explanation,
      };
    }

    const district = regions?.map((id) => this.districtGovernment.get(id)).find((d) => d !== undefined);
    if (district) {
      return {
        outcome: 'fallback_district',
        department: district,
        assistDepartments: [],
        entry: null,
        catalogVersion: this.version,
        matchedEntries: 0,
        explanation: [`派单目录无匹配，按属地「${this.regionNames.get(input.regionId!)}」兜底派至 ${district.name}`],
      };
    }
    return {
      outcome: 'center_queue',
      department: null,
      assistDepartments: [],
      entry: null,
      catalogVersion: this.version,
      matchedEntries: 0,
      explanation: [
        input.regionId === null
          ? '派单目录无匹配，且诉求无属地信息：转热线中心待分拨队列，由话务员派单'
          : '派单目录无匹配，属地无区县政府：转热线中心待分拨队列',
      ],
    };
  }

  private department(id: number): { id: number; name: string } {
    return { id, name: this.departmentNames.get(id) ?? `#${id}` };
  }
}

function specificityOf(entry: CatalogEntry, categoryLevel: number, depth: number): number {
  return (
    (entry.matter ? 100_000 : 0) + categoryLevel * 10_000 + depth * 100 + (entry.requestType ? 10 : 0) + (entry.keywords.length ? 1 : 0)
  );
}

function beats(entry: CompiledEntry, hits: number, best: CompiledEntry, bestHits: number): boolean {
  if (entry.specificity !== best.specificity) return entry.specificity > best.specificity;
  if (entry.priority !== best.priority) return entry.priority > best.priority;
  if (hits !== bestHits) return hits > bestHits;
  return entry.id < best.id;
}

/**
 * An entry that could match the same tickets as `candidate` with the same specificity and the
 * same priority, so neither would reliably win: same conditions, overlapping dates, and keyword
 * sets that are both empty or share a keyword.
 */
export function findConflict(
  candidate: Omit<CatalogEntry, 'id' | 'name'> & { id?: number },
  entries: readonly CatalogEntry[],
): CatalogEntry | undefined {
  const keywords = new Set(candidate.keywords.map((k) => k.toLowerCase()));
  return entries.find(
    (e) =>
      e.id !== candidate.id &&
      e.categoryId === candidate.categoryId &&
      e.requestType === candidate.requestType &&
      e.regionId === candidate.regionId &&
      e.matter === candidate.matter &&
      e.priority === candidate.priority &&
      (e.keywords.length === 0) === (keywords.size === 0) &&
      (keywords.size === 0 || e.keywords.some((k) => keywords.has(k.toLowerCase()))) &&
      (e.effectiveTo === null || candidate.effectiveFrom === null || candidate.effectiveFrom <= e.effectiveTo) &&
      (candidate.effectiveTo === null || e.effectiveFrom === null || e.effectiveFrom <= candidate.effectiveTo),
  );
}
