import type { UserActor } from '../shared/roles';
import { shanghaiTime } from '../shared/time';
import type { ListTicketsQuery } from './ticket.schemas';
import type { TicketsService } from './tickets.service';
import { urgencyLabels } from './ticket.types';

/** The most rows one export holds: more is a report (GET /sla/report, /kpis), not a list. */
export const exportLimit = 10_000;

const header = [
  '工单号',
  '状态',
  '类型',
  '紧急程度',
  '标题',
  '分类',
  '区域',
  '地址',
  '承办单位',
  '来电人',
  '电话',
  '受理时间',
  '最近时限',
  '超期',
];

/**
 * The ticket list as CSV, with the list's own filters and its reader's scope and masking (what a
 * department sees masked is masked here too). Newest first, at most exportLimit rows; whether it
 * was cut short is said.
 */
export async function exportTickets(
  tickets: TicketsService,
  actor: UserActor,
  query: ListTicketsQuery,
): Promise<{ table: Array<Array<string | number>>; rows: number; truncated: boolean }> {
  const lines: Array<Array<string | number>> = [header];
  let cursor: string | undefined;
  do {
    const page = await tickets.list(actor, { ...query, limit: 200, cursor });
    for (const t of page.items.slice(0, exportLimit - (lines.length - 1)))
      lines.push([
        t.number,
        t.statusLabel,
        t.requestTypeLabel,
        urgencyLabels[t.urgency],
        t.title,
        t.category?.name ?? '',
        t.region?.name ?? '',
        t.address ?? '',
        t.leadDepartment?.name ?? '',
        t.contact?.name ?? '',
        t.contact?.phone ?? '',
        shanghaiTime(new Date(t.createdAt)),
        t.nextDue ? shanghaiTime(new Date(t.nextDue.at)) : '',
        t.overdue ? '是' : '',
      ]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && lines.length - 1 < exportLimit);
  return { table: lines, rows: lines.length - 1, truncated: cursor !== undefined };
}
