import { z } from 'zod';
import { requestTypes, urgencies } from '../tickets/ticket.types';

/** What the LLM is asked: the (redacted) request and the taxonomy it must choose from. */
export interface LlmRequest {
  text: string;
  taxonomy: Array<{ code: string; name: string; description: string }>;
  /** A few confirmed tickets most like this one (already redacted), as worked examples. */
  examples: Array<{ text: string; code: string }>;
}

/** The port. Adapters return the model's JSON unvalidated; the core validates it (a malformed answer is a failure). */
export interface LlmClassifier {
  classify(request: LlmRequest): Promise<{
    json: unknown;
    usage: { promptTokens: number; completionTokens: number };
    model: string;
    mode: 'json_schema' | 'json_object';
  }>;
}

/** The answer's JSON schema: taxonomy codes, request types and urgencies as enums. Shared by the prompt and the validation. */
export function llmAnswerSchema(categoryCodes: readonly [string, ...string[]]) {
  return z.strictObject({
    category: z.enum(categoryCodes),
    requestType: z.enum(requestTypes),
    urgency: z.enum(urgencies),
    title: z.string().min(1).max(30),
    summary: z.string().min(1).max(60),
    confidence: z.number().min(0).max(1),
  });
}
export type LlmAnswer = z.infer<ReturnType<typeof llmAnswerSchema>>;

/**
 * The same answer as JSON Schema for the wire, in the subset strict structured output accepts
 * (no length or range keywords: those are checked by llmAnswerSchema when the answer comes back).
 */
export function llmAnswerJsonSchema(categoryCodes: readonly string[]): Record<string, unknown> {
  return {
    type: 'object',
    properties: {
      category: { type: 'string', enum: [...categoryCodes] },
      requestType: { type: 'string', enum: [...requestTypes] },
      urgency: { type: 'string', enum: [...urgencies] },
      title: { type: 'string' },
      summary: { type: 'string' },
      confidence: { type: 'number' },
    },
    required: ['category', 'requestType', 'urgency', 'title', 'summary', 'confidence'],
    additionalProperties: false,
  };
}
