import { DispatchCatalog, findConflict, type CatalogEntry, type RoutingInput } from '../../src/routing/dispatch-catalog';
import { shanghaiDay } from '../../src/shared/time';

// City 1 → district 2 (with its government, department 20) → township 3 → village 4; district 5 has no government.
const references = {
  categories: [
    { id: 10, parentId: null, level: 1, name: '城乡建设' },
    { id: 11, parentId: 10, level: 2, name: '市政设施' },
    { id: 12, parentId: 10, level: 2, name: '物业管理' },
  ],
  regions: [
    { id: 1, parentId: null, level: 'city' as const, name: '示范市' },
    { id: 2, parentId: 1, level: 'district' as const, name: '东城区' },
    { id: 3, parentId: 2, level: 'township' as const, name: '东华街道' },
    { id: 4, parentId: 3, level: 'village' as const, name: '东华社区' },
    { id: 5, parentId: 1, level: 'district' as const, name: '西山县' },
  ],
  departments: [
    { id: 20, name: '东城区政府', kind: 'district_gov', regionId: 2, active: true },
    { id: 21, name: '住建局', kind: 'functional', regionId: 1, active: true },
    { id: 22, name: '城管局', kind: 'functional', regionId: 1, active: true },
    { id: 23, name: '东华街道', kind: 'township_gov', regionId: 3, active: true },
    { id: 24, name: '已撤销的局', kind: 'functional', regionId: 1, active: false },
    { id: 25, name: '水务集团', kind: 'utility', regionId: 1, active: true },
    { id: 26, name: '跑团', kind: 'runner_team', regionId: 5, active: true },
  ],
};

let nextId = 1;
const entry = (fields: Partial<CatalogEntry> & { leadDepartmentId: number }): CatalogEntry => ({
  id: nextId++,
  name: `entry ${nextId}`,
  categoryId: null,
  requestType: null,
  regionId: null,
  matter: null,
  keywords: [],
  assistDepartmentIds: [],
  priority: 0,
  effectiveFrom: null,
  effectiveTo: null,
  ...fields,
});

const ticket = (fields: Partial<RoutingInput> = {}): RoutingInput => ({
  categoryId: 11,
  requestType: 'complaint',
  regionId: 4,
  matter: null,
  text: '路灯坏了',
  today: '2026-11-22',
  ...fields,
});

describe('dispatch catalog: the most specific entry wins', () => {
  const byLevel1 = entry({ categoryId: 10, leadDepartmentId: 21 });
  const byLevel2 = entry({ categoryId: 11, leadDepartmentId: 22 });
  const byLevel2AndTownship = entry({ categoryId: 11, regionId: 3, leadDepartmentId: 23, assistDepartmentIds: [22] });
  const byKeyword = entry({ keywords: ['停水'], leadDepartmentId: 25 });
  const catalog = new DispatchCatalog([byLevel1, byLevel2, byLevel2AndTownship, byKeyword], references, 7);

  test('when a level-2 category and a place under the entry’s township match, then that entry wins and says why', () => {
    const decision = catalog.resolve(ticket());
    expect(decision).toMatchObject({
      outcome: 'catalog',
      department: { id: 23 },
      assistDepartments: [{ id: 22 }],
      entry: { id: byLevel2AndTownship.id },
      catalogVersion: 7,
      matchedEntries: 3,
    });
    expect(decision.explanation[0]).toContain('区域「东华街道」');
    expect(decision.explanation[1]).toContain('另有 2 条');
  });

  test('when the place is elsewhere, then the level-2 entry beats the level-1 one', () => {
    expect(catalog.resolve(ticket({ regionId: 5 })).entry?.id).toBe(byLevel2.id);
    expect(catalog.resolve(ticket({ categoryId: 12, regionId: 5 })).entry?.id).toBe(byLevel1.id);
  });

  test('when only a keyword matches, then the keyword entry routes it; a category entry outranks a keyword one', () => {
    expect(catalog.resolve(ticket({ categoryId: null, regionId: null, text: '小区停水三天' })).department?.id).toBe(25);
    expect(catalog.resolve(ticket({ categoryId: 12, regionId: null, text: '小区停水三天' })).department?.id).toBe(21);
  });

  test('when nothing matches, then the district government of the place takes it (兜底), else the center queue', () => {
    const fallback = catalog.resolve(ticket({ categoryId: null, regionId: 4, text: '其他问题' }));
    expect(fallback).toMatchObject({ outcome: 'fallback_district', department: { id: 20 }, entry: null });
    expect(fallback.explanation[0]).toContain('东城区政府');
    expect(catalog.resolve(ticket({ categoryId: null, regionId: 5, text: '其他问题' }))).toMatchObject({
      outcome: 'center_queue',
      department: null,
    });
    expect(catalog.resolve(ticket({ categoryId: null, regionId: null, text: '其他问题' })).explanation[0]).toContain('无属地');
  });
});

describe('dispatch catalog: ties, dates, departments, matters', () => {
  test('when two entries are equally specific, then the higher priority wins, then more keywords found, then the older', () => {
    const low = entry({ categoryId: 11, keywords: ['路灯'], leadDepartmentId: 21 });
    const high = entry({ categoryId: 11, keywords: ['井盖'], leadDepartmentId: 22, priority: 5 });
    expect(new DispatchCatalog([low, high], references, 1).resolve(ticket({ text: '路灯和井盖都坏了' })).entry?.id).toBe(high.id);
    const one = entry({ categoryId: 11, keywords: ['路灯'], leadDepartmentId: 21 });
    const two = entry({ categoryId: 11, keywords: ['井盖', '窨井'], leadDepartmentId: 22 });
    expect(new DispatchCatalog([one, two], references, 1).resolve(ticket({ text: '井盖和窨井盖破损' })).entry?.id).toBe(two.id);
    expect(new DispatchCatalog([one, two], references, 1).resolve(ticket({ text: '路灯旁井盖破损' })).entry?.id).toBe(one.id);
  });

  test('when an entry is outside its effective dates, then it does not match', () => {
    const winter = entry({ categoryId: 11, leadDepartmentId: 22, effectiveFrom: '2026-12-01', effectiveTo: '2027-02-28' });
    const always = entry({ categoryId: 10, leadDepartmentId: 21 });
    const catalog = new DispatchCatalog([winter, always], references, 1);
    expect(catalog.resolve(ticket({ today: '2026-11-30' })).entry?.id).toBe(always.id);
    expect(catalog.resolve(ticket({ today: '2026-12-01' })).entry?.id).toBe(winter.id);
    expect(catalog.resolve(ticket({ today: '2027-02-28' })).entry?.id).toBe(winter.id);
    expect(catalog.resolve(ticket({ today: '2027-03-01' })).entry?.id).toBe(always.id);
  });

  test('when an entry names an inactive department, then it is left out and reported', () => {
    const stale = entry({ categoryId: 11, leadDepartmentId: 24 });
    const catalog = new DispatchCatalog([stale, entry({ categoryId: 10, leadDepartmentId: 21 })], references, 1);
    expect(catalog.resolve(ticket()).department?.id).toBe(21);
    expect(catalog.skipped).toEqual([{ entryId: stale.id, reason: 'department(s) 24 inactive' }]);
    expect(catalog.size).toBe(1);
  });

  test('when a proxy application names a matter, then the matter entry outranks everything else', () => {
    const byMatter = entry({ matter: '营业执照代办', leadDepartmentId: 26 });
    const byCategory = entry({ categoryId: 11, regionId: 4, requestType: 'proxy', leadDepartmentId: 23 });
    const catalog = new DispatchCatalog([byMatter, byCategory], references, 1);
    expect(catalog.resolve(ticket({ requestType: 'proxy', matter: '营业执照代办' })).entry).toMatchObject({
      id: byMatter.id,
      byMatter: true,
    });
    expect(catalog.resolve(ticket({ requestType: 'proxy', matter: '其他事项' })).entry).toMatchObject({
      id: byCategory.id,
      byMatter: false,
    });
  });
});

describe('findConflict', () => {
  const existing = entry({ categoryId: 11, regionId: 3, leadDepartmentId: 23, effectiveFrom: '2026-01-01', effectiveTo: '2026-12-31' });
  const others = [existing, entry({ keywords: ['停水', '断水'], leadDepartmentId: 25 })];
  const candidate = { ...existing, id: undefined, leadDepartmentId: 22 };

  test('when conditions, priority and dates overlap, then it is a conflict', () => {
    expect(findConflict(candidate, others)?.id).toBe(existing.id);
    expect(findConflict({ ...candidate, effectiveFrom: '2026-12-31', effectiveTo: null }, others)?.id).toBe(existing.id);
    expect(
      findConflict({ ...candidate, categoryId: null, regionId: null, effectiveFrom: null, effectiveTo: null, keywords: ['断水'] }, others)
        ?.id,
    ).toBe(others[1]!.id);
  });

  test('when the priority, a condition or the dates differ, or the keywords are disjoint, then it is not', () => {
    expect(findConflict({ ...candidate, priority: 1 }, others)).toBeUndefined();
    expect(findConflict({ ...candidate, regionId: 2 }, others)).toBeUndefined();
    expect(findConflict({ ...candidate, requestType: 'complaint' }, others)).toBeUndefined();
    expect(findConflict({ ...candidate, effectiveFrom: '2027-01-01', effectiveTo: null }, others)).toBeUndefined();
    expect(
      findConflict({ ...candidate, categoryId: null, regionId: null, effectiveFrom: null, effectiveTo: null, keywords: ['停电'] }, others),
    ).toBeUndefined();
    // An entry never conflicts with itself (an update).
    expect(findConflict({ ...existing }, others)).toBeUndefined();
  });
});

test('shanghaiDay: the calendar day in Asia/Shanghai', () => {
  expect(shanghaiDay(new Date('2026-11-22T15:59:59Z'))).toBe('2026-11-22');
  expect(shanghaiDay(new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
});

describe('dispatch catalog: 代办 requests', () => {
  test('a 代办 request is routed only by 代办 entries (request type or matter), however specific the others', () => {
    const byCategory = entry({ categoryId: 11, regionId: 3, leadDepartmentId: 23 });
    const runners = entry({ requestType: 'proxy', regionId: 2, leadDepartmentId: 26 });
    const catalog = new DispatchCatalog([byCategory, runners], references, 9);
    expect(catalog.resolve(ticket({ requestType: 'proxy' })).entry?.id).toBe(runners.id);
    // Any other request still takes the most specific entry.
    expect(catalog.resolve(ticket()).entry?.id).toBe(byCategory.id);
    // With no 代办 entry at all, the place's fallback decides.
    expect(new DispatchCatalog([byCategory], references, 9).resolve(ticket({ requestType: 'proxy' })).outcome).toBe('fallback_district');
  });
});
