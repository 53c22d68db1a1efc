import { z } from 'zod';
import type { ApiRouter } from '../http/api-router';
import { instant } from '../http/validate';
import { routingDecision } from '../routing/routing.routes';
import type { RoutingService } from '../routing/routing.service';
import { classificationSchema } from '../tickets/ticket.schemas';
import type { TriageService } from './triage.service';

const seats = ['operator', 'proxy_seat', 'supervisor', 'admin'] as const;

/** The seat's live suggestion while an operator types: what the classifier and the dispatch catalog would say, creating nothing. */
export function registerTriageRoutes(api: ApiRouter, triage: TriageService, routing: RoutingService): void {
  api.route({
    method: 'post',
    path: '/triage/preview',
    tag: 'seats',
    summary: 'Classify a call’s text and suggest where it goes, without creating anything',
    description:
      'The local model only (never the LLM: this is asked on every pause in typing): category with confidence and alternatives, request type, urgency, the place found in the text, and the dispatch catalog’s answer for that category and place.',
    access: seats,
    body: z.strictObject({ text: z.string().trim().min(1).max(5_000), address: z.string().trim().max(200).optional() }),
    response: z.object({ classification: classificationSchema, routing: routingDecision }),
    handler: async ({ body }) => {
      const text = body.address ? `${body.text}\n${body.address}` : body.text;
      const classification = await triage.classify(text, { local: true });
      const decision = await routing.decide({
        categoryId: classification.category?.id ?? null,
        requestType: classification.requestType.value,
        regionId: classification.region?.id ?? null,
        matter: null,
        text,
      });
      return { classification, routing: decision };
    },
  });

  const modelVersion = z
    .object({
      version: z.number().int(),
      active: z.boolean(),
      labels: z.number().int().describe('how many categories it tells apart'),
      trainingExamples: z.number().int(),
      trainingSource: z.string(),
      metrics: z.record(z.string(), z.unknown()),
      createdAt: instant,
    })
    .meta({ id: 'ClassifierModelVersion' });
  api.route({
    method: 'get',
    path: '/triage/models',
    tag: 'triage',
    summary: 'The local classifier’s versions, newest first, and the operator decisions since the active one',
    description:
      'A retraining runs on its own once enough decisions came (CLASSIFIER_RETRAIN_MIN_LABELS); it can be asked for now, and an older version made active again.',
    access: ['admin'],
    response: z.object({ labelsSinceActive: z.number().int(), items: z.array(modelVersion) }),
    handler: () => triage.versions(),
  });
  api.route({
    method: 'post',
    path: '/triage/models/retrain',
    tag: 'triage',
    summary: 'Retrain now on the built-in set and every operator decision; the new version becomes active',
    access: ['admin'],
    body: z.strictObject({}),
    successStatus: 201,
    response: modelVersion,
    audit: { what: 'classifier_model', id: (_c, result) => (result as { version: number }).version },
    handler: () => triage.retrainNow(),
  });
  api.route({
    method: 'post',
    path: '/triage/models/:version/activate',
    tag: 'triage',
    summary: 'Make a stored version the active one (every process picks it up within a minute)',
    access: ['admin'],
    params: z.strictObject({ version: z.coerce.number().int().positive() }),
    body: z.strictObject({}),
    response: modelVersion,
    audit: {
      what: 'classifier_model',
      change: 'changed',
      id: ({ params }) => params.version,
      before: async () => ({ active: false }),
      after: () => ({ active: true }),
    },
    handler: ({ params }) => triage.activate(params.version),
  });
}
