import type { Queryable } from '../db/db';
import type { ResidentRow } from './register';

import type { ProactiveRuleKind } from './proactive-labels';

/** The rules 桃源县's account names, by the matter's code: 60 → 老年人优待证, 80 → 高龄补贴, a severe disability → 残疾证, 特困, an ID card within 30 days of expiring → 换证. */
export const defaultRules: ReadonlyArray<{
  matterCode: string;
  rule: ProactiveRuleKind;
  threshold: number | null;
  delivery: 'home' | 'postal';
}> = [
  { matterCode: 'ELDER_CARD', rule: 'age', threshold: 60, delivery: 'home' },
  { matterCode: 'AGED_ALLOWANCE', rule: 'age', threshold: 80, delivery: 'home' },
  { matterCode: 'DISABILITY_CARD', rule: 'disability', threshold: 2, delivery: 'home' },
  { matterCode: 'HARDSHIP_ALLOWANCE', rule: 'hardship', threshold: null, delivery: 'home' },
  { matterCode: 'ID_RENEWAL', rule: 'id_expiry', threshold: 30, delivery: 'postal' },
];

export interface ProactiveRule {
  matterId: number;
  matterName: string;
  rule: ProactiveRuleKind;
  threshold: number | null;
  delivery: 'home' | 'postal';
  active: boolean;
  updatedAt: Date;
}

/** A place's code or name to its id (null: a name two places share, so the file must give the code). */
export async function regionNames(db: Queryable): Promise<Map<string, number | null>> {
  const rows: Array<{ id: string; code: string; name: string }> = await db('regions').select('id', 'code', 'name');
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  const byKey = new Map<string, number | null>(rows.map((r) => [r.code, Number(r.id)]));
  for (const r of rows) if (!byKey.has(r.name)) byKey.set(r.name, counts.get(r.name)! > 1 ? null : Number(r.id));
  return byKey;
}

export async function insertImport(
  db: Queryable,
  row: { source: string; fileName: string | null; rows: number; accepted: number; refused: number; importedBy: number },
): Promise<number> {
  const [inserted] = await db('resident_imports')
    .insert({
      source: row.source,
      file_name: row.fileName,
      rows: row.rows,
      accepted: row.accepted,
      refused: row.refused,
      imported_by: row.importedBy,
    })
    .returning('id');
  return Number(inserted.id);
}

/** The rows as the register now holds them: a resident already there is refreshed (and kept another retention period). */
export async function upsertResidents(db: Queryable, importId: number, residents: readonly ResidentRow[]): Promise<void> {
  for (let i = 0; i < residents.length; i += 1_000) {
    const chunk = residents.slice(i, i + 1_000).map((r) => ({
      id_number: r.idNumber,
      name: r.name,
      phone: r.phone,
      birth_date: r.birthDate,
      address: r.address,
      region_id: r.regionId,
      disability_grade: r.disabilityGrade,
      hardship: r.hardship,
      id_expires_on: r.idExpiresOn,
      deceased: r.deceased,
      import_id: importId,
      updated_at: db.fn.now(),
    }));
    await db('residents')
      .insert(chunk)
      .onConflict('id_number')
      .merge([
        'name',
        'phone',
        'birth_date',
        'address',
        'region_id',
        'disability_grade',
        'hardship',
        'id_expires_on',
        'deceased',
        'import_id',
        'updated_at',
      ]);
  }
}

export async function listImports(db: Queryable, limit: number) {
  const rows = await db('resident_imports as i')
    .join('users as u', 'u.id', 'i.imported_by')
    .select({
      id: 'i.id',
      source: 'i.source',
      fileName: 'i.file_name',
      rows: 'i.rows',
      accepted: 'i.accepted',
      refused: 'i.refused',
      importedBy: 'u.display_name',
      createdAt: 'i.created_at',
    })
    .orderBy('i.id', 'desc')
    .limit(limit);
  const count = await db('residents').count<{ n: string }>({ n: '*' }).first();
  return { items: rows.map((r: { id: string }) => ({ ...r, id: Number(r.id) })), residents: Number(count?.n ?? 0) };
}

export async function listRules(db: Queryable): Promise<ProactiveRule[]> {
  const rows = await db('proactive_rules as r')
    .join('proxy_matters as m', 'm.id', 'r.matter_id')
    .select({
      matterId: 'r.matter_id',
      matterName: 'm.name',
      rule: 'r.rule',
      threshold: 'r.threshold',
      delivery: 'r.delivery',
      active: 'r.active',
      updatedAt: 'r.updated_at',
    })
    .orderBy('m.id');
  return rows.map((r: ProactiveRule) => ({ ...r, matterId: Number(r.matterId) }));
}

export async function upsertRule(
  db: Queryable,
  matterId: number,
  rule: { rule: ProactiveRuleKind; threshold: number | null; delivery: 'home' | 'postal'; active: boolean },
): Promise<void> {
  await db('proactive_rules')
    .insert({ matter_id: matterId, ...rule, updated_at: db.fn.now() })
    .onConflict('matter_id')
    .merge(['rule', 'threshold', 'delivery', 'active', 'updated_at']);
}

const conditions: Record<ProactiveRuleKind, string> = {
  age: `r.birth_date <= (:today::date - make_interval(years => :threshold))::date`,
  disability: `r.disability_grade <= :threshold`,
  hardship: `r.hardship`,
  id_expiry: `r.id_expires_on <= :today::date + :threshold::int`,
};

export interface Eligible {
  id: number;
  idNumber: string;
  name: string;
  phone: string | null;
  address: string | null;
  regionId: number;
  /** Their village or community's name: where they live when the register gives no address. */
  placeName: string;
  townshipId: number | null;
  /** A 代办 ticket of this matter already names them (by ID number): they are served, not ordered again. */
  served: boolean;
}

/** The living residents the rule now covers who have no grant of its matter yet, oldest register rows first. */
export async function newlyEligible(db: Queryable, rule: ProactiveRule, today: string, limit: number): Promise<Eligible[]> {
  const { rows } = await db.raw<{ rows: Eligible[] }>(
    `select r.id, r.id_number as "idNumber", r.name, r.phone, r.address, r.region_id as "regionId", place.name as "placeName",
            (select t.id from regions t where t.level = 'township'
                and t.id = any(string_to_array(trim(both '/' from place.path), '/')::bigint[])) as "townshipId",
            exists (select 1 from contacts c join tickets t on t.contact_id = c.id
                     where c.id_number = r.id_number and t.request_type = 'proxy' and t.matter = :matter
                       and t.status <> 'cancelled') as served
       from residents r join regions place on place.id = r.region_id
      where not r.deceased and ${conditions[rule.rule]}
        and not exists (select 1 from proactive_grants g where g.resident_id = r.id and g.matter_id = :matterId)
      order by r.id
      limit :limit`,
    { today, threshold: rule.threshold, matter: rule.matterName, matterId: rule.matterId, limit },
  );
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    regionId: Number(r.regionId),
    townshipId: r.townshipId === null ? null : Number(r.townshipId),
  }));
}

/** Once per resident and matter, ever: false when another run granted it meanwhile. */
export async function insertGrant(
  db: Queryable,
  grant: {
    residentId: number;
    matterId: number;
    townshipId: number | null;
    ticketId: number | null;
    outcome: 'ordered' | 'already_served';
  },
): Promise<boolean> {
  const inserted = await db('proactive_grants')
    .insert({
      resident_id: grant.residentId,
      matter_id: grant.matterId,
      township_id: grant.townshipId,
      ticket_id: grant.ticketId,
      outcome: grant.outcome,
    })
    .onConflict(['resident_id', 'matter_id'])
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

/** Proactive orders created in the period, per matter and township: ordered, found already served, done. */
export async function report(db: Queryable, from: Date, to: Date) {
  const { rows } = await db.raw<{
    rows: Array<{
      matterId: string;
      matter: string;
      townshipId: string | null;
      township: string | null;
      ordered: number;
      alreadyServed: number;
      done: number;
    }>;
  }>(
    `select g.matter_id as "matterId", m.name as matter, g.township_id as "townshipId", reg.name as township,
            count(*) filter (where g.outcome = 'ordered')::int as ordered,
            count(*) filter (where g.outcome = 'already_served')::int as "alreadyServed",
            count(*) filter (where o.status = 'done')::int as done
       from proactive_grants g
       join proxy_matters m on m.id = g.matter_id
       left join regions reg on reg.id = g.township_id
       left join proxy_orders o on o.ticket_id = g.ticket_id
      where g.created_at >= :from and g.created_at < :to
      group by 1, 2, 3, 4
      order by 1, 4 nulls last`,
    { from, to },
  );
  return rows.map((r) => ({ ...r, matterId: Number(r.matterId), townshipId: r.townshipId === null ? null : Number(r.townshipId) }));
}
