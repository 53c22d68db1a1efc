import type { Db } from '../db/db';
import type { RequestType, Urgency } from '../tickets/ticket.types';
import * as repo from './sla-config.repository';
import type { PolicyInput } from './sla-config.service';
import type { AlertLevel, Stage } from './sla-rules';
import { standardWeek, type LimitUnit } from './working-calendar';

/** The defaults: the standard working week, Beijing's 接诉即办 limits, and a four-step ladder. */
const defaultPolicies = (category: (code: string) => number | undefined): Array<PolicyInput> => {
  const p = (
    name: string,
    stage: Stage,
    amount: number,
    unit: LimitUnit,
    priority: number,
    match: { requestType?: RequestType; urgency?: Urgency; categoryCode?: string } = {},
  ): PolicyInput => ({
    name,
    stage,
    amount,
    unit,
    priority,
    requestType: match.requestType ?? null,
    urgency: match.urgency ?? null,
    categoryId: match.categoryCode ? (category(match.categoryCode) ?? null) : null,
    matter: null,
  });
  return [
    p('派单：紧急事项 1 小时', 'dispatch', 1, 'natural_hours', 30, { urgency: 'emergency' }),
    p('派单：水电气暖 2 小时', 'dispatch', 2, 'natural_hours', 20, { categoryCode: '12' }),
    p('派单：极端天气 2 小时', 'dispatch', 2, 'natural_hours', 21, { categoryCode: '1701' }),
    p('派单：一般事项 24 小时', 'dispatch', 24, 'natural_hours', 0),
    p('签收：紧急事项 30 分钟', 'sign_for', 0.5, 'natural_hours', 30, { urgency: 'emergency' }),
    p('签收：2 个工作小时', 'sign_for', 2, 'working_hours', 0),
    p('联系群众：紧急事项 1 小时', 'first_contact', 1, 'natural_hours', 30, { urgency: 'emergency' }),
    p('联系群众：1 个工作日', 'first_contact', 1, 'working_days', 0),
    p('答复：紧急事项 2 小时', 'reply', 2, 'natural_hours', 30, { urgency: 'emergency' }),
    p('答复：加急事项 24 小时', 'reply', 24, 'natural_hours', 25, { urgency: 'urgent' }),
    p('答复：水电气暖 24 小时', 'reply', 24, 'natural_hours', 20, { categoryCode: '12' }),
    p('答复：举报等复杂事项 15 个工作日', 'reply', 15, 'working_days', 10, { requestType: 'report' }),
    p('答复：7 个工作日', 'reply', 7, 'working_days', 0),
    p('回访：2 个工作日', 'callback', 2, 'working_days', 0),
    ...hardCasePolicies.map(([name, stage, amount, unit]) => p(name, stage, amount, unit, 0)),
  ];
};

/** 办不成事 (the seeds' ladder): the chief representative within 10 minutes, the head within 30, an answer within 3 working days. */
const hardCasePolicies: Array<[string, Stage, number, LimitUnit]> = [
  ['办不成事：首席代表 10 分钟内到场', 'hard_onsite_rep', 1 / 6, 'natural_hours'],
  ['办不成事：部门负责人 30 分钟内到场', 'hard_onsite_head', 0.5, 'natural_hours'],
  ['办不成事：3 个工作日内答复', 'hard_answer', 3, 'working_days'],
];

const defaultLevels: AlertLevel[] = [
  { level: 0, name: '黄牌预警', audience: 'assignee', atShare: 0.8, afterAmount: null, afterUnit: null, sms: false },
  { level: 1, name: '红牌超期', audience: 'assignee', atShare: null, afterAmount: 0, afterUnit: 'natural_hours', sms: false },
  { level: 2, name: '升级：部门负责人', audience: 'dept_head', atShare: null, afterAmount: 4, afterUnit: 'working_hours', sms: true },
  { level: 3, name: '升级：督办/值班长', audience: 'supervisor', atShare: null, afterAmount: 1, afterUnit: 'working_days', sms: true },
  { level: 4, name: '升级：中心主任', audience: 'director', atShare: null, afterAmount: 3, afterUnit: 'working_days', sms: true },
];

/** Seeds the defaults into an empty configuration (once, however many processes start). */
export async function seedSlaDefaults(db: Db): Promise<boolean> {
  return db.transaction(async (trx) => {
    await repo.lockConfig(trx);
    if (await repo.hasAny(trx, 'work_calendars')) return false;
    await repo.insertCalendar(trx, {
      name: '市默认工作日历',
      regionId: null,
      weekHours: [0, 1, 2, 3, 4, 5, 6].map((d) => standardWeek[d as 0]),
    });
    const categories = await repo.categoryIdsByCode(trx);
    await repo.insertPolicies(
      trx,
      defaultPolicies((code) => categories.get(code)),
    );
    if (!(await repo.hasAny(trx, 'sla_alert_levels'))) await repo.replaceLevels(trx, defaultLevels);
    await repo.bumpRevision(trx);
    return true;
  });
}
