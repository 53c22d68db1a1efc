import { audit } from '../auth/audit';
import type { Db } from '../db/db';
import { readTable } from '../http/table-file';
import type { PeriodicTask } from '../jobs/periodic';
import type { Matter } from '../proxy/matters';
import { markOrigin } from '../proxy/orders.repository';
import { findMatterById } from '../proxy/runners.repository';
import { invalid } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { SystemActor, UserActor } from '../shared/roles';
import { shanghaiDay } from '../shared/time';
import { createThen } from '../tickets/create-then';
import type { TicketsService } from '../tickets/tickets.service';
import * as repo from './proactive.repository';
import type { Eligible, ProactiveRule } from './proactive.repository';
import { ruleText, type ProactiveRuleKind } from './proactive-labels';
import { readResidents } from './register';

const proactiveActor: SystemActor = { kind: 'system', name: '主动代办' };
/** Orders one run creates at most (a first run over a whole county's register takes several). */
const perRun = 2_000;

export interface RunResult {
  /** Another worker was running it: this one did nothing. */
  busy: boolean;
  ordered: number;
  alreadyServed: number;
  matters: Array<{ matterId: number; matterName: string; ordered: number; alreadyServed: number }>;
}

/**
 * Proactive 代办 (未诉先办): the resident register imported from the police and health bureaus' data, the
 * eligibility rule of each matter, and the run that gives everyone newly eligible a 代办 order — once per
 * person and matter, never for someone a 代办 ticket of the matter already names — routed like any 代办
 * request of their place (to the runner team the dispatch catalog names for it).
 */
export class ProactiveService {
  constructor(
    private readonly db: Db,
    private readonly tickets: TicketsService,
    private readonly logger: Logger,
  ) {}

  /** A register file: every valid row is kept (a resident already there is refreshed), each refused one said why; audited. */
  async importRegister(actor: UserActor, bytes: Buffer, source: string, fileName: string | null) {
    const rows = await readTable(bytes, 100_000);
    const { residents, refused } = readResidents(rows, await repo.regionNames(this.db));
    // A file whose first row does not name the columns is refused whole.
    if (refused[0]?.row === 1) throw invalid(refused[0].reason);
    const importId = await this.db.transaction(async (trx) => {
      const id = await repo.insertImport(trx, {
        source,
        fileName,
        rows: Math.max(rows.length - 1, 0),
        accepted: residents.length,
        refused: refused.length,
        importedBy: actor.userId,
      });
      await repo.upsertResidents(
        trx,
        id,
        residents.map((r) => r.resident),
      );
      await audit(trx, {
        action: 'residents.imported',
        actor: { userId: actor.userId, name: actor.displayName },
        target: `resident_import:${id}`,
        ip: actor.address ?? null,
        details: { source, fileName, accepted: residents.length, refused: refused.length },
      });
      return id;
    });
    return { importId, accepted: residents.length, refused };
  }

  imports(limit: number) {
    return repo.listImports(this.db, limit);
  }

  rules() {
    return repo.listRules(this.db);
  }

  async setRule(
    matterId: number,
    input: { rule: ProactiveRuleKind; threshold: number | null; delivery: 'home' | 'postal'; active: boolean },
  ) {
    if (!(await findMatterById(this.db, matterId))) throw invalid(`代办事项 ${matterId} 不存在`);
    if ((input.rule === 'hardship') !== (input.threshold === null))
      throw invalid(input.rule === 'hardship' ? 'a 特困 rule has no threshold' : `a ${input.rule} rule needs its threshold`);
    if (input.rule === 'disability' && (input.threshold! < 1 || input.threshold! > 4))
      throw invalid('残疾等级规则按 1 级（最重）起算，阈值为 1–4 级');
    await repo.upsertRule(this.db, matterId, input);
    return (await this.rules()).find((r) => r.matterId === matterId)!;
  }

  /**
   * Everyone each active rule now covers and who has no grant of its matter gets one: an order (a 代办 ticket
   * dispatched like a seat's, its order marked proactive), or, when a 代办 ticket of the matter already names
   * them, a grant that says so. One run at a time across workers.
   */
  async run(now = new Date()): Promise<RunResult> {
    return this.db.transaction(async (lock) => {
      const { rows } = await lock.raw<{ rows: Array<{ got: boolean }> }>('select pg_try_advisory_xact_lock(hashtext(?)) as got', [
        'proactive-run',
      ]);
      const result: RunResult = { busy: !rows[0]!.got, ordered: 0, alreadyServed: 0, matters: [] };
      if (result.busy) return result;
      const today = shanghaiDay(now);
      for (const rule of (await repo.listRules(this.db)).filter((r) => r.active)) {
        const matter = await findMatterById(this.db, rule.matterId);
        if (!matter?.active) continue;
        const counts = { matterId: rule.matterId, matterName: rule.matterName, ordered: 0, alreadyServed: 0 };
        for (const resident of await repo.newlyEligible(this.db, rule, today, perRun - result.ordered)) {
          if (resident.served) {
            if (await repo.insertGrant(this.db, { ...grantOf(rule, resident), ticketId: null, outcome: 'already_served' }))
              counts.alreadyServed++;
          } else if (await this.order(rule, matter, resident)) counts.ordered++;
        }
        result.ordered += counts.ordered;
        result.alreadyServed += counts.alreadyServed;
        if (counts.ordered + counts.alreadyServed > 0) result.matters.push(counts);
        if (result.ordered >= perRun) break;
      }
      if (result.ordered + result.alreadyServed > 0) this.logger.info({ ...result }, 'proactive 代办 run');
      return result;
    });
  }

  /** The resident's order: a 代办 ticket in their name, dispatched as the catalog says for their place. */
  private async order(rule: ProactiveRule, matter: Matter, resident: Eligible): Promise<boolean> {
    const serviceMode = (['full_proxy', 'home_assistance', 'remote_guidance'] as const).find((m) => matter.serviceModes.includes(m))!;
    const delivery = rule.delivery === 'home' ? '送达上门' : '免费邮寄';
    const { ticket, refused } = await createThen(
      this.tickets,
      proactiveActor,
      {
        channel: 'api',
        requestType: 'proxy',
        urgency: 'normal',
        description: `未诉先办：${resident.name}${rule.rule === 'hardship' ? '为' : ''}${ruleText(rule.rule, rule.threshold)}，符合「${matter.name}」办理条件，由帮代办跑团主动办理，结果${delivery}。`,
        regionId: resident.regionId,
        caller: {
          phone: resident.phone ?? undefined,
          name: resident.name,
          idNumber: resident.idNumber,
          anonymous: false,
          confidential: false,
        },
        proxy: { matter: matter.name, serviceMode, applicantAddress: resident.address ?? resident.placeName },
      },
      { action: 'dispatch', body: {} },
    );
    // No catalog entry for the place: the ticket waits in 待分拨 for the seat, as any undispatched one.
    if (refused) this.logger.warn({ err: refused, ticketId: ticket.id }, 'a proactive 代办 order could not be dispatched');
    await markOrigin(this.db, ticket.id, 'proactive');
    return repo.insertGrant(this.db, { ...grantOf(rule, resident), ticketId: ticket.id, outcome: 'ordered' });
  }

  report(from: Date, to: Date) {
    return repo.report(this.db, from, to);
  }
}

const grantOf = (rule: ProactiveRule, resident: Eligible) => ({
  residentId: resident.id,
  matterId: rule.matterId,
  townshipId: resident.townshipId,
});

/** 未诉先办: every hour the register is matched against the rules (new imports are served within the hour). */
export function proactiveRun(proactive: ProactiveService): PeriodicTask {
  return { name: 'proactive-proxy', everyMs: 3_600_000, run: async () => void (await proactive.run()) };
}
