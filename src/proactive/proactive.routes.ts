import { z } from 'zod';
import { type ApiRouter } from '../http/api-router';
import { readFileBody } from '../http/file-body';
import { sendTable, tableFormats } from '../http/table-file';
import { beijingDays, instant, periodQuery } from '../http/validate';
import { AppError } from '../shared/errors';
import { proactiveRuleKinds } from './proactive-labels';
import type { ProactiveService } from './proactive.service';
import { registerColumns } from './register';

/** The register is personal data: the proxy seats and admins alone read or import it. */
const proxyRoles = ['proxy_seat', 'admin'] as const;
const reportReaders = ['supervisor', 'director', 'admin', 'proxy_seat'] as const;

const ruleAnswer = z
  .object({
    matterId: z.number().int(),
    matterName: z.string(),
    rule: z.enum(proactiveRuleKinds),
    threshold: z.number().int().nullable(),
    delivery: z.enum(['home', 'postal']),
    active: z.boolean(),
    updatedAt: instant,
  })
  .meta({ id: 'ProactiveRule' });
const refusal = z.object({ row: z.number().int(), reason: z.string() });

/** Proactive 代办 (未诉先办) under /api/v1/proactive: the resident register, the rules, the run, the counts. */
export function registerProactiveRoutes(api: ApiRouter, proactive: ProactiveService): void {
  api.route({
    method: 'get',
    path: '/proactive/imports',
    tag: 'proactive',
    summary: 'The resident register’s imports, newest first, and how many residents it holds',
    access: proxyRoles,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
    response: z.object({
      residents: z.number().int(),
      items: z.array(
        z.object({
          id: z.number().int(),
          source: z.string(),
          fileName: z.string().nullable(),
          rows: z.number().int(),
          accepted: z.number().int(),
          refused: z.number().int(),
          importedBy: z.string(),
          createdAt: instant,
        }),
      ),
    }),
    handler: ({ query }) => proactive.imports(query.limit),
  });

  api.route({
    method: 'post',
    path: '/proactive/imports',
    tag: 'proactive',
    summary: 'Import residents (the police and health bureaus’ data): CSV (UTF-8) or an Excel workbook, the file itself as the body',
    description:
      `One resident a row; the first row names the columns: ${registerColumns.join(', ')} (身份证号, 姓名 and 所在地区 required; ` +
      '所在地区 a village, community or township by name or code; 出生日期 defaults to the ID number’s; 残疾等级 一级–四级; 特困人员 and 已故 是 or 否; ' +
      '身份证有效期至 a date or 长期). A resident already in the register is refreshed. Each refused row comes back with its number and why. ' +
      'Audited; at most 100,000 rows and 20 MB.',
    access: proxyRoles,
    query: z.strictObject({
      source: z.string().trim().min(1).max(50).describe('where the data comes from: 公安户籍, 卫健, 民政, 残联…'),
      fileName: z.string().trim().min(1).max(200).optional(),
    }),
    fileBody: true,
    successStatus: 201,
    response: z.object({ importId: z.number().int(), accepted: z.number().int(), refused: z.array(refusal) }),
    handler: async ({ actor, query, req }) => {
      const bytes = await readFileBody(req, 20 * 1024 * 1024, () => new AppError('PAYLOAD_TOO_LARGE', '不超过 20 MB'));
      return proactive.importRegister(actor, bytes, query.source, query.fileName ?? null);
    },
  });

  api.route({
    method: 'get',
    path: '/proactive/rules',
    tag: 'proactive',
    summary: 'The eligibility rule of each matter (年满60周岁 → 老年人优待证 …)',
    access: reportReaders,
    response: z.object({ items: z.array(ruleAnswer) }),
    handler: async () => ({ items: await proactive.rules() }),
  });

  api.route({
    method: 'put',
    path: '/proactive/rules/:matterId',
    tag: 'proactive',
    summary: 'Set a matter’s eligibility rule: age reached, disability grades, 特困, an ID card expiring within days',
    access: proxyRoles,
    params: z.strictObject({ matterId: z.coerce.number().int().positive() }),
    body: z.strictObject({
      rule: z.enum(proactiveRuleKinds),
      threshold: z.number().int().min(0).max(150).nullable(),
      delivery: z.enum(['home', 'postal']).default('home'),
      active: z.boolean().default(true),
    }),
    response: ruleAnswer,
    audit: {
      what: 'proactive_rule',
      id: ({ params }) => params.matterId,
      before: async ({ params }) => (await proactive.rules()).find((r) => r.matterId === params.matterId) ?? null,
    },
    handler: ({ params, body }) => proactive.setRule(params.matterId, body),
  });

  api.route({
    method: 'post',
    path: '/proactive/run',
    tag: 'proactive',
    summary: 'Run now what the hourly run does: an order for everyone newly eligible, once per person and matter',
    access: proxyRoles,
    body: z.strictObject({}),
    response: z.object({
      busy: z.boolean().describe('another run was under way: this one did nothing'),
      ordered: z.number().int(),
      alreadyServed: z.number().int(),
      matters: z.array(
        z.object({ matterId: z.number().int(), matterName: z.string(), ordered: z.number().int(), alreadyServed: z.number().int() }),
      ),
    }),
    handler: () => proactive.run(),
  });

  api.route({
    method: 'get',
    path: '/proactive/report',
    tag: 'proactive',
    summary: 'Proactive orders created in the period per matter and township: ordered, found already served, done',
    access: reportReaders,
    query: periodQuery({ format: z.enum(['json', ...tableFormats]).default('json') }),
    response: z
      .object({
        from: z.string(),
        to: z.string(),
        items: z.array(
          z.object({
            matterId: z.number().int(),
            matter: z.string(),
            townshipId: z.number().int().nullable(),
            township: z.string().nullable(),
            ordered: z.number().int(),
            alreadyServed: z.number().int(),
            done: z.number().int(),
          }),
        ),
      })
      .describe('or, with format=csv or xlsx, a file'),
    handler: async ({ query, res }) => {
      const items = await proactive.report(beijingDays(query).from, beijingDays(query).to);
      if (query.format === 'json') return { from: query.from, to: query.to, items };
      const table = [
        ['事项', '乡镇（街道）', '主动代办', '已有申请', '已办结'],
        ...items.map((r) => [r.matter, r.township ?? '（未定位）', r.ordered, r.alreadyServed, r.done]),
      ];
      await sendTable(
        res,
        { name: `proactive-${query.from}-${query.to}`, sheet: `主动代办 ${query.from} 至 ${query.to}`, rows: table },
        query.format,
      );
      return undefined;
    },
  });
}
