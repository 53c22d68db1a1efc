import { z } from 'zod';
import type { ApiRouter } from '../http/api-router';
import { sendTable, tableFormats } from '../http/table-file';
import { beijingDays, periodQuery } from '../http/validate';
import { outcomeGroupings } from './outcomes.repository';
import type { OutcomesService } from './outcomes.service';

const readers = ['supervisor', 'director', 'admin', 'proxy_seat'] as const;
const sectionNames = { bundles: '一件事一次办', projects: '项目帮办', pieces: '政邮商' } as const;
/** What a row is, per grouping and section. */
const groupNames = {
  team: { bundles: '跑团', projects: '联点部门', pieces: '邮政公司' },
  grid: { bundles: '网格', projects: '所在地', pieces: '投递网格' },
  matter: { bundles: '办事情景', projects: '审批事项', pieces: '事项' },
  month: { bundles: '月份', projects: '月份', pieces: '月份' },
} as const;
const rate = z.number().nullable();

/** /api/v1/reports/outcomes: 一件事一次办, 项目帮办 and 政邮商 per team, grid, matter or month. */
export function registerOutcomeRoutes(api: ApiRouter, outcomes: OutcomesService): void {
  api.route({
    method: 'get',
    path: '/reports/outcomes',
    tag: 'reports',
    summary: '一件事一次办, 项目帮办 and 政邮商 in a period: bundles and their reduction figures, projects and approvals, pieces paid',
    description:
      'groupBy team: the runner team, the project’s 联点部门, the postal company; grid: the applicant’s village or community, the ' +
      'project’s place, the postal grid; matter: the bundle’s situation, the approval, the piece’s order’s matter; month: of the ' +
      'order’s creation, the fact, the piece. materialsCut, formsCut: what one checklist and one form save against asking matter ' +
      'by matter; timeSaved: of the time the legal limits allowed the done orders, the share left unused; paidFen: approved statements only.',
    access: readers,
    query: periodQuery({
      groupBy: z.enum(outcomeGroupings).default('team'),
      format: z.enum(['json', ...tableFormats]).default('json'),
      section: z.enum(['bundles', 'projects', 'pieces']).default('bundles').describe('with format=csv or xlsx: the table downloaded'),
    }),
    response: z
      .object({
        bundles: z.array(
          z.object({
            name: z.string(),
            orders: z.number().int(),
            matters: z.number().int(),
            done: z.number().int(),
            materialsSeparate: z.number().int(),
            materialsCombined: z.number().int(),
            materialsCut: rate,
            formsSeparate: z.number().int(),
            formsCombined: z.number().int(),
            formsCut: rate,
            tripsSaved: z.number().int(),
            timeSaved: rate,
          }),
        ),
        projects: z.array(
          z.object({
            name: z.string(),
            projects: z.number().int(),
            approvalsDue: z.number().int(),
            approvalsApproved: z.number().int(),
            approvalsOnTime: z.number().int(),
            approvalsOverdue: z.number().int(),
            onTimeRate: rate,
            problemsRaised: z.number().int(),
            problemsSolved: z.number().int(),
            meetingsOutOfHours: z.number().int(),
          }),
        ),
        pieces: z.array(
          z.object({
            name: z.string(),
            pieces: z.number().int(),
            late: z.number().int(),
            refused: z.number().int(),
            settled: z.number().int(),
            paidFen: z.number().int(),
          }),
        ),
      })
      .describe('or, with format=csv or xlsx, the section as a file'),
    handler: async ({ query, res }) => {
      const { from, to } = beijingDays(query);
      const report = await outcomes.report(query.groupBy, from, to);
      if (query.format === 'json') return report;
      const pct = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);
      const group = groupNames[query.groupBy][query.section];
      const rows = {
        bundles: [
          [
            group,
            '办件',
            '涉及事项',
            '办结',
            '分别办理材料',
            '一套材料',
            '材料精简(%)',
            '分别填表',
            '合并填表',
            '环节压缩(%)',
            '少跑腿(趟)',
            '耗时压减(%)',
          ],
          ...report.bundles.map((r) => [
            r.name,
            r.orders,
            r.matters,
            r.done,
            r.materialsSeparate,
            r.materialsCombined,
            pct(r.materialsCut),
            r.formsSeparate,
            r.formsCombined,
            pct(r.formsCut),
            r.tripsSaved,
            pct(r.timeSaved),
          ]),
        ],
        projects: [
          [group, '服务项目', '到期审批', '已办结审批', '按期办结', '超期', '按期率(%)', '反映问题', '解决问题', '非工作时间服务'],
          ...report.projects.map((r) => [
            r.name,
            r.projects,
            r.approvalsDue,
            r.approvalsApproved,
            r.approvalsOnTime,
            r.approvalsOverdue,
            pct(r.onTimeRate),
            r.problemsRaised,
            r.problemsSolved,
            r.meetingsOutOfHours,
          ]),
        ],
        pieces: [
          [group, '件数', '超时', '拒收', '已结算件数', '已付(元)'],
          ...report.pieces.map((r) => [r.name, r.pieces, r.late, r.refused, r.settled, r.paidFen / 100]),
        ],
      }[query.section];
      await sendTable(
        res,
        {
          name: `outcomes-${query.section}-${query.from}-${query.to}`,
          sheet: `${sectionNames[query.section]} ${query.from} 至 ${query.to}`,
          rows,
        },
        query.format,
      );
      return undefined;
    },
  });
}
