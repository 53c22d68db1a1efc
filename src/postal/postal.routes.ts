import { z } from 'zod';
import { type ApiRouter, idParams } from '../http/api-router';
import { sendTable, tableFormats } from '../http/table-file';
import { instant } from '../http/validate';
import { enterpriseStatuses } from './postal.repository';
import type { PostalService } from './postal.service';
import { tariffSchema, yuan } from './tariff';

const center = ['proxy_seat', 'supervisor', 'director', 'admin'] as const;
const couriersAndCenter = [...center, 'runner'] as const;
const payers = ['supervisor', 'director', 'admin'] as const;
const at = instant.transform((value) => new Date(value));
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式为 YYYY-MM');

const gridAnswer = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    postalCompanyId: z.number().int(),
    postalCompany: z.string(),
    regionId: z.number().int().nullable(),
    regionName: z.string().nullable(),
    courierUserId: z.number().int().nullable(),
    courierName: z.string().nullable(),
    area: z.string().nullable(),
    active: z.boolean(),
    enterprises: z.number().int(),
  })
  .meta({ id: 'PostalGrid' });
const enterpriseFields = {
  name: z.string().trim().min(2).max(100),
  creditCode: z
    .string()
    .trim()
    .regex(/^[0-9A-Z]{18}$/, '统一社会信用代码')
    .nullable(),
  address: z.string().trim().max(200).nullable(),
  contactName: z.string().trim().max(50).nullable(),
  contactPhone: z
    .string()
    .trim()
    .regex(/^[0-9+-]{7,20}$/, '电话号码')
    .nullable(),
  status: z.enum(enterpriseStatuses),
  needs: z.string().trim().max(1000).nullable(),
};
const enterpriseAnswer = z
  .object({
    id: z.number().int(),
    gridId: z.number().int(),
    ...enterpriseFields,
    contactPhone: z.string().nullable().describe('masked outside the center'),
    lastVisitAt: instant.nullable(),
    updatedAt: instant,
  })
  .meta({ id: 'GridEnterprise' });
const enterpriseDetail = enterpriseAnswer.extend({
  visits: z.array(
    z.object({
      id: z.number().int(),
      kind: z.enum(['onsite', 'online']),
      note: z.string(),
      needs: z.string().nullable(),
      by: z.string(),
      at: instant,
    }),
  ),
});
const tariffAnswer = tariffSchema.extend({ id: z.number().int() }).meta({ id: 'PostalTariff' });
const line = z.object({
  courierUserId: z.number().int(),
  courierName: z.string(),
  pieces: z.number().int(),
  bands: z.record(z.string(), z.number().int()).describe('pieces per distance band'),
  late: z.number().int(),
  refused: z.number().int(),
  grossFen: z.number().int(),
  deductionsFen: z.number().int(),
  netFen: z.number().int(),
});
const settlementSummary = z.object({
  id: z.number().int(),
  postalCompanyId: z.number().int(),
  postalCompany: z.string(),
  month: z.string(),
  status: z.enum(['draft', 'approved']),
  pieceCount: z.number().int(),
  grossFen: z.number().int(),
  deductionsFen: z.number().int(),
  netFen: z.number().int(),
  computedBy: z.number().int().nullable(),
  computedByName: z.string().nullable(),
  computedAt: instant,
  approvedBy: z.number().int().nullable(),
  approvedByName: z.string().nullable(),
  approvedAt: instant.nullable(),
});
const settlementAnswer = settlementSummary
  .extend({
    lines: z.array(line),
    pieces: z.array(
      z.object({
        id: z.number().int(),
        gridId: z.number().int(),
        gridName: z.string(),
        courierUserId: z.number().int(),
        courierName: z.string(),
        orderId: z.number().int().nullable(),
        kind: z.enum(['collect', 'deliver']),
        distanceKm: z.number(),
        band: z.string(),
        dueAt: instant.nullable(),
        doneAt: instant,
        doneDay: z.string(),
        late: z.boolean(),
        outcome: z.enum(['delivered', 'refused']),
        trackingNumber: z.string().nullable(),
        note: z.string().nullable(),
        priceFen: z.number().int(),
        deductionFen: z.number().int(),
        netFen: z.number().int(),
        reasons: z.array(z.enum(['late', 'refused'])),
      }),
    ),
  })
  .meta({ id: 'PostalSettlement' });

const kindNames = { collect: '上门收件', deliver: '送达结果' } as const;

/** 政邮商 under /api/v1/postal: companies, grids and couriers, the enterprises archive, the tariff, pieces, statements. */
export function registerPostalRoutes(api: ApiRouter, postal: PostalService): void {
  api.route({
    method: 'get',
    path: '/postal/companies',
    tag: 'postal',
    summary: 'The postal companies the government pays',
    access: couriersAndCenter,
    response: z.object({ items: z.array(z.object({ id: z.number().int(), name: z.string(), active: z.boolean() })) }),
    handler: async () => ({ items: await postal.companies() }),
  });
  api.route({
    method: 'post',
    path: '/postal/companies',
    tag: 'postal',
    summary: 'Add a postal company',
    access: ['admin'],
    body: z.strictObject({ name: z.string().trim().min(2).max(100) }),
    successStatus: 201,
    response: z.object({ id: z.number().int(), name: z.string(), active: z.boolean() }),
    audit: { what: 'postal_company' },
    handler: ({ body }) => postal.addCompany(body.name),
  });

  api.route({
    method: 'get',
    path: '/postal/grids',
    tag: 'postal',
    summary: 'Grids (postal delivery areas) with their courier; a courier sees theirs',
    access: couriersAndCenter,
    response: z.object({ items: z.array(gridAnswer) }),
    handler: async ({ actor }) => ({ items: await postal.grids(actor) }),
  });
  api.route({
    method: 'put',
    path: '/postal/grids/:code',
    tag: 'postal',
    summary: 'Create or change a grid: its postal company, place, courier (网格员) and delivery area',
    access: ['admin'],
    params: z.strictObject({ code: z.string().regex(/^[A-Z0-9_-]{2,30}$/, '大写字母编码') }),
    body: z.strictObject({
      name: z.string().trim().min(2).max(60),
      postalCompanyId: z.number().int().positive(),
      regionId: z.number().int().positive().nullable().default(null),
      courierUserId: z.number().int().positive().nullable().default(null),
      area: z.string().trim().max(500).nullable().default(null),
      active: z.boolean().default(true),
    }),
    response: gridAnswer,
    audit: { what: 'postal_grid', id: ({ params }) => params.code },
    handler: ({ params, body }) => postal.putGrid({ ...body, code: params.code }),
  });

  api.route({
    method: 'get',
    path: '/postal/grids/:id/enterprises',
    tag: 'postal',
    summary: 'The archive of the grid’s enterprises (网格档案): status, needs, last visit',
    access: couriersAndCenter,
    params: idParams,
    response: z.object({ items: z.array(enterpriseAnswer) }),
    handler: async ({ actor, params }) => ({ items: await postal.enterprises(actor, params.id) }),
  });
  api.route({
    method: 'post',
    path: '/postal/grids/:id/enterprises',
    tag: 'postal',
    summary: 'Add an enterprise to the grid’s archive (its courier, or the center)',
    access: couriersAndCenter,
    params: idParams,
    body: z.strictObject({
      ...enterpriseFields,
      creditCode: enterpriseFields.creditCode.default(null),
      address: enterpriseFields.address.default(null),
      contactName: enterpriseFields.contactName.default(null),
      contactPhone: enterpriseFields.contactPhone.default(null),
      status: enterpriseFields.status.default('operating'),
      needs: enterpriseFields.needs.default(null),
    }),
    successStatus: 201,
    response: enterpriseDetail,
    handler: ({ actor, params, body }) => postal.addEnterprise(actor, params.id, body),
  });
  api.route({
    method: 'get',
    path: '/postal/enterprises/:id',
    tag: 'postal',
    summary: 'An enterprise of the archive with its visits',
    access: couriersAndCenter,
    params: idParams,
    response: enterpriseDetail,
    handler: ({ actor, params }) => postal.enterprise(actor, params.id),
  });
  api.route({
    method: 'patch',
    path: '/postal/enterprises/:id',
    tag: 'postal',
    summary: 'Keep an enterprise up to date (存续状态, needs, contact)',
    access: couriersAndCenter,
    params: idParams,
    body: z
      .strictObject(enterpriseFields)
      .partial()
      .refine((b) => Object.keys(b).length > 0, '至少修改一项'),
    response: enterpriseDetail,
    handler: ({ actor, params, body }) => postal.updateEnterprise(actor, params.id, body),
  });
  api.route({
    method: 'post',
    path: '/postal/enterprises/:id/visits',
    tag: 'postal',
    summary: 'A visit (上门 or 网络走访): what was found, and the needs now',
    access: couriersAndCenter,
    params: idParams,
    body: z.strictObject({
      kind: z.enum(['onsite', 'online']),
      note: z.string().trim().min(2).max(1000),
      needs: z.string().trim().max(1000).nullable().default(null),
    }),
    successStatus: 201,
    response: enterpriseDetail,
    handler: ({ actor, params, body }) => postal.visit(actor, params.id, body),
  });

  api.route({
    method: 'post',
    path: '/postal/enterprises/:id/requests',
    tag: 'postal',
    summary: 'A need found on a visit becomes a 代办 request for the enterprise, dispatched as the catalog says for the grid’s place',
    access: couriersAndCenter,
    params: idParams,
    body: z.strictObject({
      matter: z.string().trim().min(1).max(100).describe('a matter or a bundle’s situation of the 代办 catalog'),
      serviceMode: z.enum(['remote_guidance', 'home_assistance', 'full_proxy']).default('full_proxy'),
      note: z.string().trim().min(2).max(500),
    }),
    successStatus: 201,
    response: z.object({ ticketId: z.number().int(), number: z.string() }),
    handler: ({ actor, params, body }) => postal.request(actor, params.id, body),
  });

  api.route({
    method: 'get',
    path: '/postal/tariffs',
    tag: 'postal',
    summary: 'The per-piece tariffs (distance bands, deductions), by the day each took effect',
    access: couriersAndCenter,
    response: z.object({ items: z.array(tariffAnswer) }),
    handler: async () => ({ items: await postal.tariffs() }),
  });
  api.route({
    method: 'post',
    path: '/postal/tariffs',
    tag: 'postal',
    summary: 'A new tariff from a day on (amounts in fen; the last band open-ended)',
    access: ['director', 'admin'],
    body: tariffSchema,
    successStatus: 201,
    response: tariffAnswer,
    audit: { what: 'postal_tariff' },
    handler: ({ actor, body }) => postal.addTariff(actor, body),
  });

  api.route({
    method: 'post',
    path: '/postal/pieces',
    tag: 'postal',
    summary: 'A piece a courier ran (collecting materials, delivering a result): distance, due, done, delivered or refused',
    access: couriersAndCenter,
    body: z.strictObject({
      gridId: z.number().int().positive(),
      courierUserId: z.number().int().positive().optional().describe('the center records for a courier'),
      orderId: z.number().int().positive().nullable().default(null),
      kind: z.enum(['collect', 'deliver']),
      distanceKm: z.number().positive().max(500),
      dueAt: at.nullable().default(null),
      doneAt: at,
      outcome: z.enum(['delivered', 'refused']).default('delivered'),
      trackingNumber: z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9]{8,30}$/, '邮件单号')
        .nullable()
        .default(null),
      note: z.string().trim().max(500).nullable().default(null),
    }),
    successStatus: 201,
    response: z.object({ id: z.number().int() }),
    handler: ({ actor, body }) => postal.recordPiece(actor, body),
  });

  api.route({
    method: 'get',
    path: '/postal/settlements',
    tag: 'postal',
    summary: 'Monthly statements, newest first',
    access: payers,
    query: z.strictObject({ month: month.optional() }),
    response: z.object({ items: z.array(settlementSummary) }),
    handler: async ({ query }) => ({ items: await postal.settlements(query.month) }),
  });
  api.route({
    method: 'post',
    path: '/postal/settlements',
    tag: 'postal',
    summary: 'Compute (again) a postal company’s monthly statement as a draft',
    access: payers,
    body: z.strictObject({ postalCompanyId: z.number().int().positive(), month }),
    successStatus: 201,
    response: settlementAnswer,
    handler: ({ actor, body }) => postal.compute(actor, body.postalCompanyId, body.month),
  });
  api.route({
    method: 'get',
    path: '/postal/settlements/:id',
    tag: 'postal',
    summary: 'A statement: a line per courier and each piece; a courier sees theirs. format=csv|xlsx downloads it',
    access: [...payers, 'runner'],
    params: idParams,
    query: z.strictObject({
      format: z.enum(['json', ...tableFormats]).default('json'),
      detail: z.enum(['couriers', 'pieces']).default('couriers').describe('the download: a line per courier, or each piece'),
      courierUserId: z.coerce.number().int().positive().optional().describe('the download: one courier’s statement'),
    }),
    response: settlementAnswer.describe('or, with format=csv or xlsx, a file'),
    handler: async ({ actor, params, query, res }) => {
      const statement = await postal.settlement(actor, params.id);
      if (query.format === 'json') return statement;
      const lines = statement.lines.filter((l) => query.courierUserId === undefined || l.courierUserId === query.courierUserId);
      const pieces = statement.pieces.filter((p) => query.courierUserId === undefined || p.courierUserId === query.courierUserId);
      const state = statement.status === 'approved' ? '已审核' : '草稿';
      const rows =
        query.detail === 'pieces'
          ? [
              [
                '网格员',
                '网格',
                '日期',
                '类型',
                '距离（公里）',
                '距离档',
                '单价（元）',
                '超时',
                '拒收',
                '扣减（元）',
                '实付（元）',
                '邮件号',
              ],
              ...pieces.map((p) => [
                p.courierName,
                p.gridName,
                p.doneDay,
                kindNames[p.kind],
                p.distanceKm,
                p.band,
                yuan(p.priceFen),
                p.late ? '是' : '否',
                p.outcome === 'refused' ? '是' : '否',
                yuan(p.deductionFen),
                yuan(p.netFen),
                p.trackingNumber,
              ]),
            ]
          : [
              ['网格员', '件数', '超时件', '拒收件', '应付（元）', '扣减（元）', '实付（元）'],
              ...lines.map((l) => [l.courierName, l.pieces, l.late, l.refused, yuan(l.grossFen), yuan(l.deductionsFen), yuan(l.netFen)]),
              [
                '合计',
                lines.reduce((s, l) => s + l.pieces, 0),
                lines.reduce((s, l) => s + l.late, 0),
                lines.reduce((s, l) => s + l.refused, 0),
                yuan(lines.reduce((s, l) => s + l.grossFen, 0)),
                yuan(lines.reduce((s, l) => s + l.deductionsFen, 0)),
                yuan(lines.reduce((s, l) => s + l.netFen, 0)),
              ],
            ];
      await sendTable(
        res,
        {
          name: `postal-${statement.month}-${statement.postalCompanyId}${query.courierUserId ? `-${query.courierUserId}` : ''}-${query.detail}`,
          sheet: `${statement.postalCompany} ${statement.month} ${state}`,
          rows,
        },
        query.format,
      );
      return undefined;
    },
  });
  api.route({
    method: 'post',
    path: '/postal/settlements/:id/approve',
    tag: 'postal',
    summary: 'Approve a finished month’s statement (not by who computed it): its pieces and amounts are fixed, couriers told',
    access: payers,
    params: idParams,
    body: z.strictObject({}),
    response: settlementAnswer,
    audit: { what: 'postal_settlement' },
    handler: ({ actor, params }) => postal.approve(actor, params.id),
  });
}
