import { z } from 'zod';

/**
 * The callback survey (回访) as pure rules: the policy and questions (admin data, validated
 * here), lenient parsing of what citizens type, quiet hours, and the outcome of a survey.
 */

export const surveySteps = ['contacted', 'resolved', 'satisfaction', 'comment'] as const;
export type SurveyStep = (typeof surveySteps)[number];
import type { Satisfaction } from './satisfaction';

export { satisfactionLabels, satisfactions, type Satisfaction } from './satisfaction';

export const callbackChannels = ['sms', 'phone', 'miniprogram', 'operator'] as const;
export type CallbackChannel = (typeof callbackChannels)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '北京时间，格式为 HH:MM');

export const callbackSettingsSchema = z.strictObject({
  /** After the reply, before the first question. */
  delayMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60),
  /** How long a citizen may answer on one channel before the next is tried. */
  windowHours: z
    .number()
    .min(1)
    .max(14 * 24),
  /** One reminder this long after a question that got no answer. */
  reminderMinutes: z
    .number()
    .int()
    .min(5)
    .max(48 * 60),
  /** No message or call between these Beijing times (the quiet hours wrap midnight). */
  quietHours: z.strictObject({ from: clock, to: clock }),
  /** Phone calls per survey before it counts as not reached, and the wait between them. */
  callAttempts: z.number().int().min(1).max(10),
  callRetryMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60),
  /** How to call back a requester who asked for confidentiality (保密), or gave no contact. */
  confidential: z.enum(['normal', 'operator', 'skip']),
  anonymous: z.enum(['skip', 'operator']),
  /** Categories (or their level-1 parents) that always get a person's phone call. */
  humanCategoryIds: z.array(z.number().int().positive()).max(500),
  /** The satisfaction rate's weights (满意率 = Σ weight / answered surveys not marked unreasonable). */
  satisfactionWeights: z.strictObject({
    satisfied: z.number().min(0).max(1),
    basic: z.number().min(0).max(1),
    unsatisfied: z.number().min(0).max(1),
  }),
  /** Department ranking bands by ticket volume (分档): the upper bounds of the smaller bands. */
  rankingBands: z.array(z.number().int().positive()).max(5),
  questions: z.strictObject({
    contacted: z.string().trim().min(2).max(200),
    resolved: z.string().trim().min(2).max(200),
    satisfaction: z.string().trim().min(2).max(200),
    comment: z.string().trim().min(2).max(200),
  }),
});
export type CallbackSettings = z.infer<typeof callbackSettingsSchema>;

export const defaultCallbackSettings: CallbackSettings = {
  delayMinutes: 60,
  windowHours: 24,
  reminderMinutes: 240,
  quietHours: { from: '21:00', to: '08:00' },
  callAttempts: 3,
  callRetryMinutes: 120,
  confidential: 'normal',
  anonymous: 'skip',
  humanCategoryIds: [],
  satisfactionWeights: { satisfied: 1, basic: 1, unsatisfied: 0 },
  rankingBands: [50, 200],
  questions: {
    contacted: '承办单位是否联系过您？是请回复1，否请回复2。',
    resolved: '您反映的问题是否已解决？是请回复1，否请回复2。',
    satisfaction: '您对办理结果是否满意？满意请回复1，基本满意请回复2，不满意请回复3。',
    comment: '如还有意见或建议，请直接回复；无请回复0。',
  },
};

/** Full-width digits and letters to ASCII, punctuation, spaces and emoji away. */
function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{Script=Han}a-z0-9]/gu, '');
}

const yes = new Set(['1', '是', '是的', '有', '有的', '对', '联系过', '有联系', '已联系', '解决', '已解决', '解决了', 'yes', 'y', 'ok']);
const no = new Set([
  '2',
  '否',
  '没有',
  '无',
  '不是',
  '没',
  '未',
  '没联系',
  '未联系',
  '没有联系',
  '未解决',
  '没解决',
  '没有解决',
  'no',
  'n',
]);

/** What a citizen's reply to a question means, or undefined when it is unclear. */
export function parseAnswer(step: SurveyStep, text: string): boolean | Satisfaction | string | null | undefined {
  const word = normalize(text);
  if (step === 'comment') {
    const trimmed = text.trim();
    return ['0', '无', '没有', '没了'].includes(word) || trimmed === '' ? null : trimmed.slice(0, 500);
  }
  if (step === 'satisfaction') {
    if (word === '1' || word === '满意' || word === '很满意' || word === '非常满意') return 'satisfied';
    if (word === '2' || word === '基本满意' || word === '还行' || word === '一般') return 'basic';
    if (word === '3' || word === '不满意' || word === '很不满意' || word === '非常不满意') return 'unsatisfied';
    return undefined;
  }
  if (yes.has(word)) return true;
  if (no.has(word)) return false;
  return undefined;
}

/** The step after this one (the comment is last). */
export function nextStep(step: SurveyStep): SurveyStep | undefined {
  return surveySteps[surveySteps.indexOf(step) + 1];
}

const minuteMs = 60_000;
const shanghaiOffsetMs = 8 * 3_600_000;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The moment itself, or the end of the quiet hours (Beijing time) when it falls in them. */
export function outsideQuietHours(at: Date, quiet: CallbackSettings['quietHours']): Date {
  const local = at.getTime() + shanghaiOffsetMs;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  const minute = Math.floor((local - dayStart) / minuteMs);
  const from = minutesOf(quiet.from);
  const to = minutesOf(quiet.to);
  const wraps = from > to;
  const inQuiet = wraps ? minute >= from || minute < to : minute >= from && minute < to;
  if (!inQuiet) return at;
  // The quiet hours end at `to` today, or tomorrow when they began this evening.
  const endDay = wraps && minute >= from ? dayStart + 86_400_000 : dayStart;
  return new Date(endDay + to * minuteMs - shanghaiOffsetMs);
}

export interface SurveyAnswers {
  contacted: boolean | null;
  resolved: boolean | null;
  satisfaction: Satisfaction | null;
}

/** Satisfied (or basically) and resolved closes the ticket; anything else reopens it (a second reopen is a supervisor's call). */
export function outcomeOf(answers: SurveyAnswers, reopenCount: number): 'closed' | 'reopened' | 'review' {
  if (answers.resolved === true && (answers.satisfaction === 'satisfied' || answers.satisfaction === 'basic')) return 'closed';
  return reopenCount >= 1 ? 'review' : 'reopened';
}
