import type { Queryable } from '../db/db';

/** Statuses of a ticket still being worked on (not closed, cancelled or merged). */
const open = ['new', 'triage', 'dispatched', 'accepted', 'returned', 'replied'];
/** Deadlines this close are "at risk" (yellow), as the console's countdowns colour them. */
const atRiskHours = 4;

export interface BoardFigures {
  today: { byChannel: Array<{ channel: string; count: number }>; byHour: number[] };
  open: Array<{ status: string; count: number }>;
  departments: Array<{ departmentId: number; name: string; open: number; overdue: number; atRisk: number }>;
  categories: Array<{ name: string; count: number }>;
  regions: Array<{ name: string; count: number }>;
}

/**
 * The supervisors' board: today's requests by channel and Beijing hour, open tickets by status, the
 * departments with the most overdue and at-risk tickets, the busiest categories and places of the last
 * seven days. Each query reads an index's range (created_at, or the open statuses), not the whole table.
 */
export async function boardFigures(db: Queryable, dayStart: Date): Promise<BoardFigures> {
  const weekStart = new Date(dayStart.getTime() - 6 * 86_400_000);
  const [today, statuses, departments, categories, regions] = await Promise.all([
    db.raw<{ rows: Array<{ channel: string; hour: number; count: number }> }>(
      `select channel, extract(hour from created_at at time zone 'Asia/Shanghai')::int as hour, count(*)::int as count
         from tickets where created_at >= ? group by 1, 2`,
      [dayStart],
    ),
    db.raw<{ rows: Array<{ status: string; count: number }> }>(
      `select status, count(*)::int as count from tickets where status = any(?) group by status`,
      [open],
    ),
    db.raw<{ rows: BoardFigures['departments'] }>(
      `select t.lead_department_id as "departmentId", d.name, count(*)::int as open,
              count(*) filter (where t.next_due_at < now())::int as overdue,
              count(*) filter (where t.next_due_at >= now() and t.next_due_at < now() + make_interval(hours => ?))::int as "atRisk"
         from tickets t join departments d on d.id = t.lead_department_id
        where t.status in ('dispatched', 'accepted', 'returned')
        group by t.lead_department_id, d.name
        order by overdue desc, "atRisk" desc, open desc
        limit 12`,
      [atRiskHours],
    ),
    db.raw<{ rows: Array<{ name: string; count: number }> }>(
      `select coalesce(c.name, '未分类') as name, count(*)::int as count
         from tickets t left join categories c on c.id = t.category_id
        where t.created_at >= ? group by 1 order by count desc limit 8`,
      [weekStart],
    ),
    db.raw<{ rows: Array<{ name: string; count: number }> }>(
      `select coalesce(r.name, '未知地点') as name, count(*)::int as count
         from tickets t left join regions r on r.id = t.region_id
        where t.created_at >= ? group by 1 order by count desc limit 8`,
      [weekStart],
    ),
  ]);
  const channels = new Map<string, number>();
  const byHour = Array.from({ length: 24 }, () => 0);
  for (const row of today.rows) {
    channels.set(row.channel, (channels.get(row.channel) ?? 0) + row.count);
    byHour[row.hour] = (byHour[row.hour] ?? 0) + row.count;
  }
  return {
    today: { byChannel: [...channels].map(([channel, count]) => ({ channel, count })).sort((a, b) => b.count - a.count), byHour },
    open: statuses.rows,
    departments: departments.rows,
    categories: categories.rows,
    regions: regions.rows,
  };
}

export interface MapFigures {
  regions: Array<{ id: number; name: string; volume: number; overdue: number }>;
  points: Array<{ ticketId: number; number: string; longitude: number; latitude: number; overdue: boolean }>;
}

/**
 * The map: per region of a level, the tickets of the last seven days placed in it or below it, and its open
 * tickets overdue now; and the week's tickets that carry coordinates (the mini-program's), newest first.
 */
export async function mapFigures(db: Queryable, level: 'district' | 'township', weekStart: Date): Promise<MapFigures> {
  // A region's path is /city/district/township/…: the ancestor of the level is the path's part at its depth.
  const part = level === 'district' ? 3 : 4;
  const [volume, overdue, points] = await Promise.all([
    db.raw<{ rows: Array<{ id: string; count: number }> }>(
      `select split_part(r.path, '/', ?) as id, count(*)::int as count
         from tickets t join regions r on r.id = t.region_id
        where t.created_at >= ? group by 1`,
      [part, weekStart],
    ),
    db.raw<{ rows: Array<{ id: string; count: number }> }>(
      `select split_part(r.path, '/', ?) as id, count(*)::int as count
         from tickets t join regions r on r.id = t.region_id
        where t.status in ('dispatched', 'accepted', 'returned') and t.next_due_at < now() group by 1`,
      [part],
    ),
    db.raw<{ rows: MapFigures['points'] }>(
      `select id as "ticketId", number, (location->>'longitude')::float8 as longitude, (location->>'latitude')::float8 as latitude,
              coalesce(next_due_at < now() and status in ('dispatched', 'accepted', 'returned'), false) as overdue
         from tickets where created_at >= ? and location is not null order by created_at desc limit 1000`,
      [weekStart],
    ),
  ]);
  const byId = (rows: Array<{ id: string; count: number }>) => new Map(rows.map((r) => [Number(r.id), r.count]));
  const [volumes, overdues] = [byId(volume.rows), byId(overdue.rows)];
  const regions = await db('regions').select('id', 'name').where({ level }).orderBy('path');
  return {
    regions: regions.map((r: { id: number; name: string }) => ({ ...r, volume: volumes.get(r.id) ?? 0, overdue: overdues.get(r.id) ?? 0 })),
    points: points.rows,
  };
}
