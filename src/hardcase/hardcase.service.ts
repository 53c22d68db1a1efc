import type { Db } from '../db/db';
import { listRoster, setRoster, type DutyDay } from '../org/duty-roster.repository';
import { conflict, invalid, notFound } from '../shared/errors';
import type { UserActor } from '../shared/roles';
import type { HardCaseKind } from '../tickets/hard-case-labels';
import type { TicketsService } from '../tickets/tickets.service';
import * as repo from './hardcase.repository';

/** The center roles that may stand a duty (值班): leaders are supervisors or the director; staff any seat. */
const leaderRoles = ['supervisor', 'director'];
const staffRoles = ['operator', 'proxy_seat', 'supervisor', 'director'];

/**
 * The 办不成事 window (src/tickets owns the case itself: its kind, level, handling and 问责 are lifecycle
 * actions): the cases and their ladder for the duty staff and the county leader, the candidates the hub
 * raises (accepted as a flag, or dismissed), the month's 通报, and the duty roster.
 */
export class HardCaseService {
  constructor(
    private readonly db: Db,
    private readonly tickets: TicketsService,
  ) {}

  list(actor: UserActor, state: 'open' | 'answered' | 'all', limit: number) {
    return repo.listHardCases(this.db, { state, limit, ...(actor.role === 'county_leader' ? { leaderUserId: actor.userId } : {}) });
  }

  leaders() {
    return repo.countyLeaders(this.db);
  }

  candidates(limit: number) {
    return repo.listCandidates(this.db, limit);
  }

  /** The duty staff confirm a candidate: its ticket is flagged 办不成事 of the kind they give, found by the hub. */
  async accept(actor: UserActor, candidateId: number, body: { kind: HardCaseKind; reason: string }) {
    const candidate = await this.openCandidate(candidateId);
    return this.tickets.perform(actor, candidate.ticketId, 'flag_hard_case', { kind: body.kind, reason: body.reason, candidateId });
  }

  async dismiss(actor: UserActor, candidateId: number, note: string): Promise<void> {
    await this.openCandidate(candidateId);
    if (!(await repo.dismissCandidate(this.db, candidateId, actor.userId, note))) throw conflict('该候选已被他人处理');
  }

  discover(now = new Date()): Promise<number> {
    return repo.discoverCandidates(this.db, now);
  }

  report(from: Date, to: Date) {
    return repo.monthReport(this.db, from, to);
  }

  accountability(from: Date, to: Date, limit: number) {
    return repo.listAccountability(this.db, from, to, limit);
  }

  roster(fromDay: string, toDay: string): Promise<DutyDay[]> {
    return listRoster(this.db, fromDay, toDay);
  }

  /** A day's roster, replaced whole: one duty leader (a supervisor or the director) and the staff on duty. */
  async setRoster(day: string, leaderUserId: number, staffUserIds: readonly number[]): Promise<DutyDay> {
    const ids = [...new Set([leaderUserId, ...staffUserIds])];
    const byId = new Map((await repo.usersByIds(this.db, ids)).map((u) => [u.id, u]));
    const leader = byId.get(leaderUserId);
    if (!leader?.active || !leaderRoles.includes(leader.role)) throw invalid(`用户 ${leaderUserId} 不能带班：须为在职的值班长或主任`);
    const unfit = staffUserIds.filter((id) => !byId.get(id)?.active || !staffRoles.includes(byId.get(id)!.role));
    if (unfit.length > 0) throw invalid(`用户 ${unfit.join('、')} 不能在中心值班`);
    await this.db.transaction((trx) => setRoster(trx, day, leaderUserId, staffUserIds));
    return (await listRoster(this.db, day, day))[0]!;
  }

  private async openCandidate(id: number) {
    const candidate = await repo.findCandidate(this.db, id);
    if (!candidate) throw notFound('办不成事候选');
    if (candidate.status !== 'open') throw conflict(`该候选已处理（${candidate.status}）`);
    return candidate;
  }
}
