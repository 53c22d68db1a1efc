import { findUserById } from '../auth/users.repository';
import type { Db, Queryable } from '../db/db';
import type { UnitOfWork, Work } from '../db/unit-of-work';
import type { PeriodicTask } from '../jobs/periodic';
import { findDepartmentById } from '../org/departments.repository';
import { findRegionById } from '../org/regions.repository';
import { notifyUsers, type Notice } from '../outbox/notifications';
import { conflict, forbidden, found, invalid, notFound } from '../shared/errors';
import { piiLens } from '../shared/pii';
import type { UserActor } from '../shared/roles';
import { shanghaiDay } from '../shared/time';
import type { SlaConfigService } from '../sla/sla-config.service';
import { addWorkingTime, workingTimeBetween } from '../sla/working-calendar';
import { approvalStatusLabels, projectStageLabels } from './project-labels';
import * as repo from './projects.repository';
import type { ApprovalStatus, ProjectRecord, ProjectStage } from './projects.repository';

/** The center manages the ledgers (opens projects, names the companions). */
const managers = ['supervisor', 'director', 'admin'];

export interface ProjectInput {
  name: string;
  enterpriseName: string;
  creditCode: string | null;
  contactName: string | null;
  contactPhone: string | null;
  regionId: number | null;
  investmentWan: number | null;
  departmentId: number | null;
  liaisonUserId: number | null;
  agentAUserId: number;
  agentBUserId: number;
  residentUserId: number | null;
}

/**
 * 项目帮办: the project ledger of an enterprise's investment project, its three stages and three companions (三员).
 * The 全程代办员 are an A/B pair: either acts, the other is told; when A is away B is the one on duty, and overdue
 * approvals alert the pair (whoever is not away) and the center's duty chiefs.
 */
export class ProjectsService {
  constructor(
    private readonly db: Db,
    private readonly work: UnitOfWork,
    private readonly slaConfig: SlaConfigService,
  ) {}

  async list(actor: UserActor, status?: 'active' | 'closed') {
    // The center sees every project; a companion theirs; a department's head also their department's (as reads() says).
    const mine = {
      userId: actor.userId,
      ...(actor.role === 'dept_head' && actor.departmentId !== null ? { departmentId: actor.departmentId } : {}),
    };
    const rows = await repo.listProjects(this.db, { status, ...(managers.includes(actor.role) ? {} : mine) });
    const away = await repo.awayNow(this.db, [...new Set(rows.flatMap((p) => [p.agentAUserId, p.agentBUserId]))]);
    return rows.map((p) => ({ ...this.present(actor, p), onDutyAgentUserId: onDuty(p, away) }));
  }

  async get(actor: UserActor, id: number) {
    const project = await this.readable(actor, id);
    const [[approvals, problems, meetings, events], people, away] = await Promise.all([
      repo.projectParts(this.db, id),
      repo.displayNames(this.db, companionsOf(project)),
      repo.awayNow(this.db, companionsOf(project)),
    ]);
    const person = (userId: number | null) =>
      userId === null ? null : { userId, displayName: people.get(userId) ?? '', awayUntil: away.get(userId) ?? null };
    return {
      ...this.present(actor, project),
      companions: {
        liaison: person(project.liaisonUserId),
        agentA: person(project.agentAUserId)!,
        agentB: person(project.agentBUserId)!,
        resident: person(project.residentUserId),
      },
      onDutyAgentUserId: onDuty(project, away),
      // What the viewer may do here (the console offers only that).
      may: {
        act: managers.includes(actor.role) || (companionsOf(project).includes(actor.userId) && project.status === 'active'),
        manage: managers.includes(actor.role),
      },
      approvals,
      problems,
      meetings,
      events,
    };
  }

  async create(actor: UserActor, input: ProjectInput) {
    await this.check(this.db, input);
    const id = await this.work.run(async (work) => {
      const projectId = await repo.insertProject(work.trx, { ...input, stage: 'attraction', createdBy: actor.userId });
      await this.record(work, actor, projectId, 'opened', `建立项目台账「${input.name}」（${input.enterpriseName}）`);
      await notifyUsers(
        work,
        companionsOf(input).map((userId) => ({
          userId,
          kind: 'project.named',
          path: `/projects/${projectId}`,
          title: `项目帮办：${input.name}`,
          body: `您被确定为「${input.enterpriseName}」项目的帮办人员（三员）。`,
          dedupeKey: `project-named:${projectId}:${userId}`,
        })),
      );
      return projectId;
    });
    return this.get(actor, id);
  }

  /** The center changes the ledger (companions, contact); the stage moves forward, by the center or a companion. */
  async update(actor: UserActor, id: number, patch: Partial<ProjectInput> & { stage?: ProjectStage; status?: 'active' | 'closed' }) {
    const { stage, status, ...fields } = patch;
    if (Object.keys(fields).length > 0 || status) {
      if (!managers.includes(actor.role)) throw forbidden('项目台账由中心修改；“三员”可推进项目阶段');
    }
    await this.acting(actor, id, async (work, project) => {
      const next = { ...project, ...fields };
      await this.check(work.trx, next);
      if (stage && repo.projectStages.indexOf(stage) < repo.projectStages.indexOf(project.stage))
        throw conflict(`项目处于${projectStageLabels[project.stage]}阶段，阶段只能向前推进`);
      await repo.updateProject(work.trx, id, {
        ...fields,
        ...(stage ? { stage } : {}),
        ...(status ? { status, closedAt: status === 'closed' ? new Date() : null } : {}),
      });
      if (stage && stage !== project.stage) await this.record(work, actor, id, 'stage', `进入${projectStageLabels[stage]}阶段`, project);
      if (status && status !== project.status)
        await this.record(work, actor, id, 'status', status === 'closed' ? '项目台账办结' : '项目台账重新开启', project);
      if (Object.keys(fields).length > 0) await this.record(work, actor, id, 'ledger', '台账信息已更新', project);
    });
    return this.get(actor, id);
  }

  /** An approval the project needs, due on a day or in working days (on the calendar of the project's place). */
  async addApproval(
    actor: UserActor,
    id: number,
    input: { name: string; departmentId: number | null; dueOn?: string; workingDays?: number },
  ) {
    if ((input.dueOn === undefined) === (input.workingDays === undefined))
      throw invalid('请给出到期日（dueOn）或工作日数（workingDays）之一');
    if (input.departmentId !== null && !(await findDepartmentById(this.db, input.departmentId))?.active)
      throw invalid(`部门 ${input.departmentId} 不存在或已停用`);
    await this.acting(actor, id, async (work, project) => {
      const dueOn = input.dueOn ?? (await this.dueDay(project, input.workingDays!));
      await repo.insertApproval(work.trx, {
        projectId: id,
        name: input.name,
        departmentId: input.departmentId,
        dueOn,
        byUserId: actor.userId,
      });
      await this.record(work, actor, id, 'approval', `新增审批事项「${input.name}」，${dueOn}前办结`, project);
    });
    return this.get(actor, id);
  }

  async updateApproval(
    actor: UserActor,
    id: number,
    approvalId: number,
    input: { status?: ApprovalStatus; dueOn?: string; note?: string },
  ) {
    await this.acting(actor, id, async (work, project) => {
      const approval = found(await repo.findApproval(work.trx, id, approvalId), '审批事项');
      if (['approved', 'refused'].includes(approval.status) && input.status !== undefined)
        throw conflict(`「${approval.name}」已是${approvalStatusLabels[approval.status]}`);
      await repo.updateApproval(work.trx, approvalId, { ...input, byUserId: actor.userId });
      const said = [
        input.status && `状态：${approvalStatusLabels[input.status]}`,
        input.dueOn && `时限调整至${input.dueOn}`,
        input.note && `说明：${input.note}`,
      ].filter(Boolean);
      await this.record(work, actor, id, 'approval', `审批事项「${approval.name}」${said.join('；')}`, project);
    });
    return this.get(actor, id);
  }

  async raiseProblem(actor: UserActor, id: number, input: { description: string; departmentId: number | null }) {
    await this.acting(actor, id, async (work, project) => {
      await repo.insertProblem(work.trx, { projectId: id, ...input, byUserId: actor.userId });
      await this.record(work, actor, id, 'problem', `反映问题：${input.description}`, project);
    });
    return this.get(actor, id);
  }

  async solveProblem(actor: UserActor, id: number, problemId: number, solution: string) {
    await this.acting(actor, id, async (work, project) => {
      if ((await repo.solveProblem(work.trx, id, problemId, solution, actor.userId)) === 0) throw conflict('该项目没有这个未解决的问题');
      await this.record(work, actor, id, 'problem', `问题已解决：${solution}`, project);
    });
    return this.get(actor, id);
  }

  /** An appointment with the enterprise; whether it falls outside office hours (预约服务, 延时服务) is read off the calendar. */
  async addMeeting(actor: UserActor, id: number, input: { startsAt: Date; endsAt: Date; place: string; purpose: string }) {
    if (input.endsAt <= input.startsAt) throw invalid('结束时间必须晚于开始时间');
    await this.acting(actor, id, async (work, project) => {
      const { calendar } = await this.calendar(project);
      const outOfHours = workingTimeBetween(input.startsAt, input.endsAt, calendar) < input.endsAt.getTime() - input.startsAt.getTime();
      await repo.insertMeeting(work.trx, { projectId: id, ...input, outOfHours, byUserId: actor.userId });
      await this.record(
        work,
        actor,
        id,
        'meeting',
        `预约${outOfHours ? '非工作时间' : ''}服务：${input.purpose}（${input.place}）`,
        project,
      );
    });
    return this.get(actor, id);
  }

  /**
   * A companion is away (休假, 出差) until a time: set by themselves or the center. Where they are a pair's A, their B
   * now takes over and is told which projects.
   */
  async setAway(actor: UserActor, userId: number, until: Date, note: string | null) {
    if (actor.userId !== userId && !managers.includes(actor.role)) throw forbidden('工作人员只能登记本人的请假，中心可登记任何人的');
    if (until <= new Date()) throw invalid('截止时间（until）必须晚于现在');
    const user = await findUserById(this.db, userId);
    if (!user?.active) throw notFound('用户');
    await this.work.run(async (work) => {
      await repo.setAbsence(work.trx, userId, until, note, actor.userId);
      const projects = await repo.projectsWithA(work.trx, userId);
      for (const p of projects)
        await this.record(work, actor, p.id, 'takeover', `全程代办员A ${user.displayName} 不在岗（至${shanghaiDay(until)}），由B岗接办`);
      const byB = new Map<number, typeof projects>();
      for (const p of projects) byB.set(p.agentBUserId, [...(byB.get(p.agentBUserId) ?? []), p]);
      await notifyUsers(
        work,
        [...byB].map(([bUserId, list]) => ({
          userId: bUserId,
          kind: 'project.takeover',
          path: list.length === 1 ? `/projects/${list[0]!.id}` : '/projects',
          title: `B岗接办：${user.displayName} 不在岗`,
          body: `${user.displayName}至${shanghaiDay(until)}不在岗，由您接办：${list.map((p) => `「${p.name}」`).join('、')}。`,
          dedupeKey: `project-takeover:${userId}:${until.toISOString()}`,
        })),
      );
    });
    return { userId, awayUntil: until };
  }

  async clearAway(actor: UserActor, userId: number) {
    if (actor.userId !== userId && !managers.includes(actor.role)) throw forbidden('工作人员只能撤销本人的请假，中心可撤销任何人的');
    if ((await repo.clearAbsence(this.db, userId)) === 0) throw notFound('请假记录');
  }

  /** Approvals past their day: the pair (whoever is not away) and the duty chiefs are alerted, once per approval and deadline. */
  async alertOverdue(): Promise<number> {
    return this.work.run(async (work) => {
      const overdue = await repo.overdueApprovals(work.trx, 200);
      if (overdue.length === 0) return 0;
      const center = await repo.supervisors(work.trx);
      const notices: Notice[] = [];
      for (const approval of overdue) {
        const project = (await repo.findProject(work.trx, approval.projectId))!;
        const away = await repo.awayNow(work.trx, [project.agentAUserId, project.agentBUserId]);
        const pair = [project.agentAUserId, project.agentBUserId].filter((u) => !away.has(u));
        for (const userId of new Set([...pair, ...center]))
          notices.push({
            userId,
            kind: 'project.approval_overdue',
            path: `/projects/${project.id}`,
            title: `项目审批超期：${project.name}`,
            body: `「${approval.name}」应于${approval.dueOn}前办结，已超期。`,
            dedupeKey: `project-overdue:${approval.id}:${approval.dueOn}`,
          });
        await repo.insertEvent(work.trx, {
          projectId: project.id,
          kind: 'overdue',
          actorUserId: null,
          actorName: '系统',
          text: `审批事项「${approval.name}」超期（应于${approval.dueOn}前办结），已提醒全程代办员和值班长`,
        });
      }
      await repo.markAlerted(
        work.trx,
        overdue.map((a) => a.id),
      );
      await notifyUsers(work, notices);
      return overdue.length;
    });
  }

  /** The project as the viewer may see it: the enterprise's contact person through the one masking rule. */
  private present<P extends ProjectRecord>(actor: UserActor, project: P) {
    const { contactName, contactPhone, ...rest } = project;
    const contact = piiLens(actor).contact({
      name: contactName,
      phone: contactPhone,
      idNumber: null,
      anonymous: false,
      confidential: false,
    });
    return { ...rest, contactName: contact.name, contactPhone: contact.phone };
  }

  /** Who may read a project: the center, its companions, the head of its department. */
  private async readable(actor: UserActor, id: number): Promise<ProjectRecord> {
    const project = await repo.findProject(this.db, id);
    if (!project || !reads(actor, project)) throw notFound('项目');
    return project;
  }

  /** A change under the project's lock, by the center or one of its companions; the pair are told (but the one who acted). */
  private async acting(actor: UserActor, id: number, change: (work: Work, project: ProjectRecord) => Promise<void>): Promise<void> {
    await this.work.run(async (work) => {
      const project = await repo.findProject(work.trx, id, true);
      if (!project || !reads(actor, project)) throw notFound('项目');
      if (!managers.includes(actor.role) && !companionsOf(project).includes(actor.userId))
        throw forbidden('只有项目的“三员”和中心可以办理');
      if (project.status === 'closed' && !managers.includes(actor.role)) throw conflict('该项目台账已关闭');
      await change(work, project);
    });
  }

  /** On the project's record; with `tell`, the pair (not away, not the one who acted) are told. */
  private async record(work: Work, actor: UserActor, projectId: number, kind: string, text: string, tell?: ProjectRecord): Promise<void> {
    await repo.insertEvent(work.trx, { projectId, kind, actorUserId: actor.userId, actorName: actor.displayName, text });
    if (!tell) return;
    const away = await repo.awayNow(work.trx, [tell.agentAUserId, tell.agentBUserId]);
    const told = [tell.agentAUserId, tell.agentBUserId].filter((u) => u !== actor.userId && !away.has(u));
    await notifyUsers(
      work,
      told.map((userId) => ({
        userId,
        kind: 'project.update',
        path: `/projects/${projectId}`,
        title: `项目帮办：${tell.name}`,
        body: `${actor.displayName}：${text}`,
        dedupeKey: `project-update:${projectId}:${kind}:${Date.now()}:${userId}`,
      })),
    );
  }

  private async check(
    db: Queryable,
    input: Pick<ProjectInput, 'liaisonUserId' | 'agentAUserId' | 'agentBUserId' | 'residentUserId' | 'departmentId'>,
  ) {
    if (input.agentAUserId === input.agentBUserId) throw invalid('全程代办员 A 和 B 须为两个人');
    for (const userId of companionsOf(input)) {
      const user = await findUserById(db, userId);
      if (!user?.active || user.role === 'county_leader') throw invalid(`用户 ${userId} 不是在职人员`);
    }
    if (input.departmentId !== null && !(await findDepartmentById(db, input.departmentId))?.active)
      throw invalid(`部门 ${input.departmentId} 不存在或已停用`);
  }

  private async calendar(project: ProjectRecord) {
    const snapshot = await this.slaConfig.snapshot();
    return this.slaConfig.calendarFor(
      snapshot,
      project.regionId === null ? null : ((await findRegionById(this.db, project.regionId))?.path ?? null),
    );
  }

  private async dueDay(project: ProjectRecord, workingDays: number): Promise<string> {
    const { calendar } = await this.calendar(project);
    return shanghaiDay(addWorkingTime(new Date(), workingDays, 'working_days', calendar));
  }
}

function companionsOf(p: Pick<ProjectRecord, 'liaisonUserId' | 'agentAUserId' | 'agentBUserId' | 'residentUserId'>): number[] {
  return [...new Set([p.liaisonUserId, p.agentAUserId, p.agentBUserId, p.residentUserId].filter((u): u is number => u !== null))];
}

function reads(actor: UserActor, project: ProjectRecord): boolean {
  if (managers.includes(actor.role) || companionsOf(project).includes(actor.userId)) return true;
  return actor.role === 'dept_head' && actor.departmentId !== null && actor.departmentId === project.departmentId;
}

/** The pair's member on duty: A, unless A is away and B is not. */
function onDuty(project: ProjectRecord, away: Map<number, Date>): number {
  return away.has(project.agentAUserId) && !away.has(project.agentBUserId) ? project.agentBUserId : project.agentAUserId;
}

/** Overdue approvals every ten minutes. */
export function projectOverdueAlerts(projects: ProjectsService): PeriodicTask {
  return { name: 'project-overdue-alerts', everyMs: 10 * 60_000, run: async () => void (await projects.alertOverdue()) };
}
