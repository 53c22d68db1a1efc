import type { Queryable } from '../db/db';

export const appointmentModes = ['early', 'late', 'home', 'holiday'] as const;
export type AppointmentMode = (typeof appointmentModes)[number];
export const appointmentChannels = ['seat', 'miniprogram', 'sms'] as const;
export type AppointmentChannel = (typeof appointmentChannels)[number];
export type AppointmentStatus = 'booked' | 'kept' | 'missed' | 'cancelled';

export interface Slot {
  id: number;
  departmentId: number;
  departmentName: string;
  matterId: number | null;
  matterName: string | null;
  mode: AppointmentMode;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  booked: number;
}

const slotSelect = (db: Queryable) =>
  db('appointment_slots as s')
    .join('departments as d', 'd.id', 's.department_id')
    .leftJoin('proxy_matters as m', 'm.id', 's.matter_id')
    .select({
      id: 's.id',
      departmentId: 's.department_id',
      departmentName: 'd.name',
      matterId: 's.matter_id',
      matterName: 'm.name',
      mode: 's.mode',
      startsAt: 's.starts_at',
      endsAt: 's.ends_at',
      capacity: 's.capacity',
      booked: db.raw(`(select count(*)::int from appointments a where a.slot_id = s.id and a.status <> 'cancelled')`),
    });

const slotOf = (r: Slot): Slot => ({
  ...r,
  id: Number(r.id),
  departmentId: Number(r.departmentId),
  matterId: r.matterId === null ? null : Number(r.matterId),
});

export async function insertSlot(
  db: Queryable,
  slot: {
    departmentId: number;
    matterId: number | null;
    mode: AppointmentMode;
    startsAt: Date;
    endsAt: Date;
    capacity: number;
    createdBy: number;
  },
): Promise<number> {
  const [row] = await db('appointment_slots')
    .insert({
      department_id: slot.departmentId,
      matter_id: slot.matterId,
      mode: slot.mode,
      starts_at: slot.startsAt,
      ends_at: slot.endsAt,
      capacity: slot.capacity,
      created_by: slot.createdBy,
    })
    .returning('id');
  return Number(row.id);
}

export async function findSlot(db: Queryable, id: number): Promise<Slot | undefined> {
  const row = await slotSelect(db).where('s.id', id).first();
  return row ? slotOf(row) : undefined;
}

/** The slot locked for a booking: two bookings of its last place never both succeed. */
export async function lockSlot(db: Queryable, id: number): Promise<Slot | undefined> {
  await db('appointment_slots').select('id').where({ id }).forUpdate();
  return findSlot(db, id);
}

export async function listSlots(
  db: Queryable,
  filter: { from: Date; to: Date; departmentId?: number; matterId?: number; mode?: AppointmentMode; openOnly?: boolean },
): Promise<Slot[]> {
  const query = slotSelect(db)
    .where('s.starts_at', '>=', filter.from)
    .andWhere('s.starts_at', '<', filter.to)
    .orderBy('s.starts_at')
    .limit(500);
  if (filter.departmentId !== undefined) query.where('s.department_id', filter.departmentId);
  if (filter.matterId !== undefined) query.where((q) => q.where('s.matter_id', filter.matterId!).orWhereNull('s.matter_id'));
  if (filter.mode) query.where('s.mode', filter.mode);
  if (filter.openOnly)
    query.whereRaw(`s.capacity > (select count(*) from appointments a where a.slot_id = s.id and a.status <> 'cancelled')`);
  return (await query).map(slotOf);
}

/** Once per citizen and slot: undefined when they hold it already. */
export async function insertAppointment(
  db: Queryable,
  a: {
    slotId: number;
    contactId: number;
    ticketId: number | null;
    orderId: number | null;
    address: string | null;
    channel: AppointmentChannel;
  },
): Promise<number | undefined> {
  const rows = await db.raw<{ rows: Array<{ id: string }> }>(
    `insert into appointments (slot_id, contact_id, ticket_id, order_id, address, channel)
     values (:slotId, :contactId, :ticketId, :orderId, :address, :channel)
     on conflict (slot_id, contact_id) where status <> 'cancelled' do nothing returning id`,
    a,
  );
  return rows.rows[0] ? Number(rows.rows[0].id) : undefined;
}

export interface AppointmentRow {
  id: number;
  slotId: number;
  contactId: number;
  ticketId: number | null;
  ticketNumber: string | null;
  orderId: number | null;
  runnerUserId: number | null;
  address: string | null;
  channel: AppointmentChannel;
  status: AppointmentStatus;
  remindedAt: Date | null;
  outcomeAt: Date | null;
  note: string | null;
  createdAt: Date;
  name: string | null;
  phone: string | null;
  mode: AppointmentMode;
  startsAt: Date;
  endsAt: Date;
  departmentId: number;
  departmentName: string;
  matterName: string | null;
}

const appointmentSelect = (db: Queryable) =>
  db('appointments as a')
    .join('appointment_slots as s', 's.id', 'a.slot_id')
    .join('departments as d', 'd.id', 's.department_id')
    .join('contacts as c', 'c.id', 'a.contact_id')
    .leftJoin('proxy_matters as m', 'm.id', 's.matter_id')
    .leftJoin('tickets as t', 't.id', 'a.ticket_id')
    .leftJoin('proxy_orders as o', 'o.id', 'a.order_id')
    .select({
      id: 'a.id',
      slotId: 'a.slot_id',
      contactId: 'a.contact_id',
      ticketId: 'a.ticket_id',
      ticketNumber: 't.number',
      orderId: 'a.order_id',
      runnerUserId: 'o.runner_user_id',
      address: 'a.address',
      channel: 'a.channel',
      status: 'a.status',
      remindedAt: 'a.reminded_at',
      outcomeAt: 'a.outcome_at',
      note: 'a.note',
      createdAt: 'a.created_at',
      name: 'c.name',
      phone: 'c.phone',
      mode: 's.mode',
      startsAt: 's.starts_at',
      endsAt: 's.ends_at',
      departmentId: 's.department_id',
      departmentName: 'd.name',
      matterName: 'm.name',
    });

const numbers = (r: AppointmentRow): AppointmentRow => ({
  ...r,
  id: Number(r.id),
  slotId: Number(r.slotId),
  contactId: Number(r.contactId),
  ticketId: r.ticketId === null ? null : Number(r.ticketId),
  orderId: r.orderId === null ? null : Number(r.orderId),
  runnerUserId: r.runnerUserId === null ? null : Number(r.runnerUserId),
  departmentId: Number(r.departmentId),
});

export async function findAppointment(db: Queryable, id: number): Promise<AppointmentRow | undefined> {
  const row = await appointmentSelect(db).where('a.id', id).first();
  return row ? numbers(row) : undefined;
}

export async function listAppointments(
  db: Queryable,
  filter: { from?: Date; to?: Date; departmentId?: number; contactId?: number; orderId?: number; status?: AppointmentStatus },
): Promise<AppointmentRow[]> {
  const query = appointmentSelect(db).orderBy('s.starts_at').limit(500);
  if (filter.from) query.where('s.starts_at', '>=', filter.from);
  if (filter.to) query.where('s.starts_at', '<', filter.to);
  if (filter.departmentId !== undefined) query.where('s.department_id', filter.departmentId);
  if (filter.contactId !== undefined) query.where('a.contact_id', filter.contactId);
  if (filter.orderId !== undefined) query.where('a.order_id', filter.orderId);
  if (filter.status) query.where('a.status', filter.status);
  return (await query).map(numbers);
}

/** From booked to kept, missed or cancelled, once: false when it was no longer booked. */
export async function setStatus(
  db: Queryable,
  id: number,
  status: Exclude<AppointmentStatus, 'booked'>,
  by: number | null,
  note: string | null,
): Promise<boolean> {
  const updated = await db('appointments')
    .update({ status, outcome_at: db.fn.now(), outcome_by: by, note })
    .where({ id, status: 'booked' });
  return updated > 0;
}

/** Booked appointments starting within the horizon, not reminded yet; each taken once (skip locked). */
export async function takeDueReminders(db: Queryable, now: Date, horizonMs: number, limit: number): Promise<number[]> {
  const { rows } = await db.raw<{ rows: Array<{ id: string }> }>(
    `update appointments set reminded_at = now()
      where id in (select a.id from appointments a join appointment_slots s on s.id = a.slot_id
                    where a.status = 'booked' and a.reminded_at is null and s.starts_at > :now and s.starts_at <= :until
                    order by s.starts_at limit :limit for update of a skip locked)
      returning id`,
    { now, until: new Date(now.getTime() + horizonMs), limit },
  );
  return rows.map((r) => Number(r.id));
}

/** A ticket's 代办 order, for a home visit booked on it: the order, its runner, the applicant's address. */
export async function orderOfTicket(
  db: Queryable,
  ticketId: number,
): Promise<{ orderId: number | null; runnerUserId: number | null; address: string | null; contactId: number | null } | undefined> {
  const row = await db('tickets as t')
    .leftJoin('proxy_orders as o', 'o.ticket_id', 't.id')
    .select({
      id: 'o.id',
      runnerUserId: 'o.runner_user_id',
      address: db.raw('coalesce(o.applicant_address, t.address)'),
      contactId: 't.contact_id',
    })
    .where('t.id', ticketId)
    .first();
  if (!row) return undefined;
  return {
    orderId: row.id === null ? null : Number(row.id),
    runnerUserId: row.runnerUserId === null ? null : Number(row.runnerUserId),
    address: row.address,
    contactId: row.contactId === null ? null : Number(row.contactId),
  };
}

export async function activeStaff(db: Queryable, departmentId: number): Promise<number[]> {
  const rows: Array<{ id: string }> = await db('users').select('id').where({ department_id: departmentId, active: true });
  return rows.map((r) => Number(r.id));
}
