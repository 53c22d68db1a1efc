import type { Queryable } from '../db/db';

/** Who is on duty at the center on a Beijing day (值班领导, 值班人员): they receive hard cases and their alerts. */
export interface DutyPerson {
  userId: number;
  displayName: string;
  role: string;
  phone: string | null;
}
export interface DutyDay {
  day: string;
  leader: DutyPerson | null;
  staff: DutyPerson[];
}

export async function listRoster(db: Queryable, fromDay: string, toDay: string): Promise<DutyDay[]> {
  const rows: Array<DutyPerson & { day: string; duty: 'leader' | 'staff' }> = await db('duty_roster as r')
    .join('users as u', 'u.id', 'r.user_id')
    .select({
      day: db.raw("to_char(r.day, 'YYYY-MM-DD')"),
      duty: 'r.duty',
      userId: 'u.id',
      displayName: 'u.display_name',
      role: 'u.role',
      phone: 'u.phone',
    })
    .where('r.day', '>=', fromDay)
    .andWhere('r.day', '<=', toDay)
    .orderBy(['r.day', 'r.duty', 'u.id']);
  const days = new Map<string, DutyDay>();
  for (const { day, duty, ...person } of rows) {
    const entry = days.get(day) ?? { day, leader: null, staff: [] };
    if (duty === 'leader') entry.leader = { ...person, userId: Number(person.userId) };
    else entry.staff.push({ ...person, userId: Number(person.userId) });
    days.set(day, entry);
  }
  return [...days.values()];
}

export async function dutyOn(db: Queryable, day: string): Promise<DutyDay> {
  return (await listRoster(db, day, day))[0] ?? { day, leader: null, staff: [] };
}

/** A day's roster, replaced whole. */
export async function setRoster(db: Queryable, day: string, leaderUserId: number, staffUserIds: readonly number[]): Promise<void> {
  await db('duty_roster').where({ day }).delete();
  await db('duty_roster').insert([
    { day, user_id: leaderUserId, duty: 'leader' },
    ...staffUserIds.filter((id) => id !== leaderUserId).map((userId) => ({ day, user_id: userId, duty: 'staff' })),
  ]);
}
