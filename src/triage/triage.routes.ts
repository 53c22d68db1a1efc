import { z } from 'zod';
import type { ApiRouter } from '../http/api-router';
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
}
