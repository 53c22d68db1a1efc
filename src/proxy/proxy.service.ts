import { findUserById } from '../auth/users.repository';
import type { Db } from '../db/db';
import { findDepartmentById } from '../org/departments.repository';
import { conflict, forbidden, found, invalid, notFound } from '../shared/errors';
import type { UserActor } from '../shared/roles';
import type { SlaConfigService } from '../sla/sla-config.service';
import { listBundles, upsertBundle, type BundleInput } from './bundles';
import type { Matter, MatterInput } from './matters';
import * as repo from './runners.repository';
import { serviceModeLabels } from './proxy-labels';

export interface ProxyReportRow {
  key: string;
  name: string;
  orders: number;
  done: number;
  onTime: number;
  onTimeRate: number | null;
  cancelled: number;
  tripsSaved: number;
  materialsOutstanding: number;
}

const modeNames = new Map<string, string>(Object.entries(serviceModeLabels));

/**
 * 帮办代办's catalog: the matters (with their legal time limits, which become SLA policies), the
 * runners and their grids, and the report. The orders themselves: ProxyOrders (assignment and
 * acceptance) and ProxySteps (the six steps, 六步法).
 */
export class ProxyService {
  constructor(
    private readonly db: Db,
    private readonly slaConfig: SlaConfigService,
  ) {}

  listMatters(): Promise<Matter[]> {
    return repo.listMatters(this.db);
  }

  async getMatter(id: number): Promise<Matter> {
    return found(await repo.findMatterById(this.db, id), '代办事项');
  }

  /** A matter and its legal time limit, which becomes the SLA policy of its 代办 tickets' reply. */
  async createMatter(input: MatterInput): Promise<Matter> {
    await this.checkDepartment(input.departmentId);
    const id = await repo.insertMatter(this.db, input);
    await this.syncPolicy(input.name, input.legalDays);
    return this.getMatter(id);
  }

  async updateMatter(id: number, patch: Partial<MatterInput>): Promise<Matter> {
    const current = await this.getMatter(id);
    if (patch.departmentId !== undefined) await this.checkDepartment(patch.departmentId);
    if (patch.name !== undefined && patch.name !== current.name) throw invalid('事项名称不能修改（工单和时限策略引用了它），请新建事项');
    await repo.updateMatter(this.db, id, patch);
    if (patch.legalDays !== undefined) await this.syncPolicy(current.name, patch.legalDays);
    return this.getMatter(id);
  }

  listBundles() {
    return listBundles(this.db);
  }

  /**
   * A bundle (一件事一次办) with its situations, created or replaced by its code. Each situation's matters must be in
   * the catalog; its name is what a 代办 ticket names, so it is no matter's, and its promised limit is its tickets' reply
   * policy, like a matter's.
   */
  async putBundle(input: BundleInput) {
    const matters = await repo.listMatters(this.db);
    for (const s of input.scenarios) {
      const missing = s.matterIds.filter((id) => !matters.some((m) => m.id === id && m.active));
      if (missing.length > 0) throw invalid(`「${s.name}」：事项 ${missing.join('、')} 不是目录中的在用事项`);
      if (matters.some((m) => m.name === s.name || m.code === s.code)) throw invalid(`「${s.name}」（${s.code}）已是某个事项的名称或编码`);
    }
    const id = await this.db.transaction(async (trx) => {
      try {
        return await upsertBundle(trx, input);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') throw conflict('同名或同编码的办事情景属于另一个“一件事”');
        throw error;
      }
    });
    for (const s of input.scenarios) await this.syncPolicy(s.name, s.legalDays);
    return found(
      (await listBundles(this.db)).find((b) => b.id === id),
      'bundle',
    );
  }

  private async checkDepartment(departmentId: number | null): Promise<void> {
    if (departmentId !== null && !(await findDepartmentById(this.db, departmentId))?.active)
      throw invalid(`部门 ${departmentId} 不存在或已停用`);
  }

  /** One reply policy per matter (or bundle situation): its legal limit in working days. */
  private async syncPolicy(matter: string, legalDays: number): Promise<void> {
    const existing = (await this.slaConfig.listPolicies()).find(
      (p) => p.stage === 'reply' && p.matter === matter && p.requestType === null && p.urgency === null && p.categoryId === null,
    );
    const policy = {
      name: `代办：${matter}（法定时限）`,
      stage: 'reply' as const,
      requestType: null,
      urgency: null,
      categoryId: null,
      matter,
      amount: legalDays,
      unit: 'working_days' as const,
      priority: 40,
    };
    if (existing) await this.slaConfig.updatePolicy(existing.id, policy);
    else await this.slaConfig.createPolicy(policy);
  }

  listRunners(teamId?: number) {
    return repo.listRunners(this.db, teamId);
  }

  /** A runner's grids (villages, communities, postal areas, or a whole township) and trained matters. The team's head or an admin sets them. */
  async setRunner(
    actor: UserActor,
    userId: number,
    input: { kind: 'runner' | 'agent' | 'grid_worker' | 'postal'; gridRegionIds: number[]; matterIds: number[] },
  ) {
    const user = await findUserById(this.db, userId);
    if (!user || user.role !== 'runner') throw notFound('跑手');
    if (actor.role !== 'admin' && !(actor.role === 'dept_head' && actor.departmentId === user.departmentId))
      throw forbidden('只有管理员或跑团负责人可以设置跑手的网格和事项');
    const regions = await repo.existingIds(this.db, 'regions', input.gridRegionIds);
    const missingRegions = input.gridRegionIds.filter((id) => !regions.includes(id));
    if (missingRegions.length > 0) throw invalid(`区域 ${missingRegions.join('、')} 不存在`);
    const matters = await repo.existingIds(this.db, 'proxy_matters', input.matterIds);
    const missingMatters = input.matterIds.filter((id) => !matters.includes(id));
    if (missingMatters.length > 0) throw invalid(`代办事项 ${missingMatters.join('、')} 不存在`);
    await repo.upsertRunner(this.db, userId, input);
    return (await this.listRunners()).find((r: { userId: number }) => r.userId === userId);
  }

  /**
   * Orders per runner, team, matter, grid (village or community) or service mode, created in the
   * period: done, on time (done by the matter's legal limit), trips saved (each full proxy saves the
   * applicant the matter's trips), and materials still outstanding on a 容缺 promise.
   */
  async report(query: { groupBy: repo.ReportGrouping; from: Date; to: Date }): Promise<ProxyReportRow[]> {
    const rows = await repo.countOrders(this.db, query.groupBy, query.from, query.to);
    const names = query.groupBy === 'mode' ? modeNames : await repo.namesOf(this.db, query.groupBy);
    return rows.map((r) => ({
      key: r.key ?? '',
      name: r.key === null ? '（未指定）' : (names.get(r.key) ?? r.key),
      orders: r.orders,
      done: r.done,
      onTime: r.on_time,
      onTimeRate: r.done === 0 ? null : Math.round((r.on_time / r.done) * 10_000) / 10_000,
      cancelled: r.cancelled,
      tripsSaved: r.trips_saved,
      materialsOutstanding: r.materials_outstanding,
    }));
  }

  /** The orders behind a figure of the report (key '' is the group with none: unassigned, no matter). */
  reportOrders(query: { groupBy: repo.ReportGrouping; key: string; figure: repo.ReportFigure; from: Date; to: Date; limit: number }) {
    return repo.reportOrders(this.db, { ...query, key: query.key === '' ? null : query.key });
  }
}
