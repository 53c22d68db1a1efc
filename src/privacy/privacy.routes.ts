import { z } from 'zod';
import type { ApiRouter } from '../http/api-router';
import { instant } from '../http/validate';
import { retentionKinds } from './privacy.repository';
import type { PrivacyService } from './privacy.service';

const policySchema = z
  .object({
    kind: z.enum(retentionKinds),
    keepDays: z.number().int(),
    lastAppliedAt: instant.nullable(),
    lastResult: z.record(z.string(), z.number()).nullable(),
    updatedAt: instant,
  })
  .meta({ id: 'RetentionPolicy' });

const citizen = z
  .strictObject({
    phone: z.string().trim().min(5).max(32).optional(),
    openid: z.string().trim().min(5).max(64).optional(),
    reason: z.string().trim().min(2, '请说明理由（申请及其编号）').max(500),
  })
  .refine((b) => (b.phone === undefined) !== (b.openid === undefined), { message: '请用电话或 openid 之一指明市民' });

export function registerPrivacyRoutes(api: ApiRouter, privacy: PrivacyService): void {
  api.route({
    method: 'get',
    path: '/privacy/retention',
    tag: 'privacy',
    summary: 'How long each kind of personal data is kept (citizens’ identity, message bodies, photos and recordings, the audit log)',
    access: ['admin'],
    response: z.object({ items: z.array(policySchema) }),
    handler: async () => ({ items: await privacy.policies() }),
  });
  api.route({
    method: 'patch',
    path: '/privacy/retention/:kind',
    tag: 'privacy',
    summary: 'Change how long one kind is kept (30 days to 100 years; the audit log at least 180 days)',
    access: ['admin'],
    params: z.strictObject({ kind: z.enum(retentionKinds) }),
    body: z.strictObject({ keepDays: z.number().int().min(30).max(36_500) }),
    response: policySchema,
    audit: {
      what: 'retention_policy',
      id: ({ params }) => params.kind,
      before: async ({ params }) => (await privacy.policies()).find((p) => p.kind === params.kind),
    },
    handler: ({ params, body }) => privacy.setPolicy(params.kind, body.keepDays),
  });
  api.route({
    method: 'post',
    path: '/privacy/retention/apply',
    tag: 'privacy',
    summary: 'Erase now what is past its time (the hub also does it every hour); how many of each kind',
    access: ['admin'],
    response: z.object({ erased: z.record(z.enum(retentionKinds), z.number().int()) }),
    handler: async () => ({ erased: await privacy.apply() }),
  });
  api.route({
    method: 'post',
    path: '/privacy/access-requests',
    tag: 'privacy',
    summary: 'A citizen’s request to see their data (查阅): everything the hotline holds on them; audited',
    access: ['admin'],
    body: citizen,
    response: z.object({
      contactId: z.number().int(),
      person: z.record(z.string(), z.unknown()),
      tickets: z.array(z.record(z.string(), z.unknown())),
      messages: z.array(z.record(z.string(), z.unknown())),
      callbacks: z.array(z.record(z.string(), z.unknown())),
    }),
    handler: ({ actor, body }) => privacy.access(actor, body, body.reason),
  });
  api.route({
    method: 'post',
    path: '/privacy/erasure-requests',
    tag: 'privacy',
    summary:
      'A citizen’s request to delete their data (删除): identity, messages, photos and their row of the resident register erased now; tickets and counts stay; audited',
    access: ['admin'],
    body: citizen,
    response: z.object({
      contactId: z.number().int(),
      erased: z.object({ identity: z.boolean(), messages: z.number().int(), media: z.number().int(), residents: z.number().int() }),
    }),
    handler: ({ actor, body }) => privacy.erase(actor, body, body.reason),
  });
}
