import { isCenterActor, type Actor } from './roles';

/**
 * Personal data, one rule. What a viewer may see of a citizen: hotline-center staff and the
 * hub itself see it in clear; department staff (agents, heads, runners) see it masked, in
 * fields and in free text alike. Logs and staff notices sent over chat or SMS are masked for
 * everyone. Every path that shows a ticket to a department or writes it to a log goes
 * through this file; redaction before text leaves for an external LLM uses the same finders.
 */

/** Keeps the first `keepStart` and last `keepEnd` digits (separators stay where they are). */
function maskDigits(text: string, keepStart: number, keepEnd: number): string {
  const digits = text.replace(/\D/g, '').length;
  let seen = 0;
  return text.replace(/\d/g, (d) => {
    seen += 1;
    return seen <= keepStart || seen > digits - keepEnd ? d : '*';
  });
}

export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  if (phone.length < 8) return '****';
  return `${phone.slice(0, phone.length - 8)}****${phone.slice(-4)}`;
}

export function maskIdNumber(idNumber: string | null): string | null {
  if (!idNumber) return idNumber;
  if (idNumber.length <= 10) return '*'.repeat(idNumber.length);
  return `${idNumber.slice(0, 6)}${'*'.repeat(idNumber.length - 10)}${idNumber.slice(-4)}`;
}

export function maskName(name: string | null): string | null {
  if (!name) return name;
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

const maskEmail = (email: string): string => {
  const at = email.indexOf('@');
  return `${email.slice(0, 1)}***${email.slice(at)}`;
};

/**
 * The kinds of personal data found in free text. Order matters: ID numbers and bank cards
 * before phone numbers (they contain phone-like runs).
 */
const finders: Array<{ label: string; pattern: RegExp; mask: (found: string) => string }> = [
  { label: '[身份证号]', pattern: /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])|(?<!\d)\d{15}(?!\d)/g, mask: (m) => maskIdNumber(m)! },
  {
    label: '[银行卡号]',
    pattern: /(?<!\d)(?:62|4\d|5[1-5])\d{2}(?:[-\s]?\d{4}){3}(?:[-\s]?\d{1,3})?(?!\d)/g,
    mask: (m) => maskDigits(m, 4, 4),
  },
  {
    label: '[手机号]',
    pattern: /(?:(?<![\d+])(?:\+|00)?86[-\s]?|(?<!\d))1[3-9]\d[-\s]?\d{4}[-\s]?\d{4}(?!\d)/g,
    mask: (m) => maskDigits(m, m.replace(/\D/g, '').length - 8, 4),
  },
  {
    label: '[电话]',
    pattern: /(?<![\d+])(?:\+\d{10,14}|0\d{2,3}[-\s]?\d{7,8})(?!\d)/g,
    mask: (m) => maskDigits(m, Math.max(m.replace(/\D/g, '').length - 8, 2), 4),
  },
  { label: '[邮箱]', pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, mask: maskEmail },
];

/** Phone, ID, bank-card numbers and e-mail addresses in free text, masked: 139****2222. */
export function maskPiiInText(text: string): string {
  let masked = text;
  for (const finder of finders) masked = masked.replace(finder.pattern, finder.mask);
  return masked;
}

// "我叫张三", "我是李四", "本人王五", "联系人：赵六", "姓名：陈七" — the name that follows.
const selfNamed = /(我叫|我是|本人|联系人[:：]?|姓名[:：]?|举报人[:：]?)\s*[\u4e00-\u9fa5]{2,3}(?=[，,。.\s]|$|[^\u4e00-\u9fa5])/g;

/** Personal data out of text before it leaves the hub for an external LLM: replaced by its kind. */
export function redactPii(text: string): string {
  let redacted = text;
  for (const finder of finders) redacted = redacted.replace(finder.pattern, finder.label);
  return redacted.replace(selfNamed, '$1[姓名]');
}

/** Every string in a JSON-like value, masked (objects and arrays copied). */
export function maskPiiDeep<T>(value: T): T {
  if (typeof value === 'string') return maskPiiInText(value) as T;
  if (Array.isArray(value)) return value.map((item) => maskPiiDeep(item)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskPiiDeep(item)])) as T;
  }
  return value;
}

/** Who is vulnerable (特殊群体): elderly, disabled, seriously ill — flagged on the contact with their consent. */
export const vulnerabilities = ['elderly', 'disabled', 'seriously_ill'] as const;
export type Vulnerability = (typeof vulnerabilities)[number];
export const vulnerabilityLabels: Record<Vulnerability, string> = { elderly: '高龄老人', disabled: '残疾人', seriously_ill: '重病患者' };

export interface ContactFields {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  anonymous: boolean;
  confidential: boolean;
  /** Seen by those who serve the citizen (the center, the runners); an empty list for everyone else. */
  vulnerability?: readonly Vulnerability[];
}

/** What one viewer may see: `clear` for the center, masked for department staff. */
export interface PiiLens {
  clear: boolean;
  /** Free text (descriptions, titles, notes, reasons, summaries). */
  text(value: string): string;
  text(value: string | null): string | null;
  /** Any JSON-like value: every string in it as text(). */
  deep<T>(value: T): T;
  contact<C extends ContactFields>(contact: C): C & { masked: boolean };
  /** How a citizen who acted on the ticket is named (timeline actors). */
  citizenName(name: string | null): string | null;
}

const clearLens: PiiLens = {
  clear: true,
  text: ((value: string | null) => value) as PiiLens['text'],
  deep: (value) => value,
  contact: (contact) => ({ ...contact, masked: false }),
  citizenName: (name) => name,
};

/** Department staff's view: contact details masked; whether the citizen is vulnerable only for those who serve them. */
const masked = (servesVulnerable: boolean): PiiLens => ({
  clear: false,
  text: ((value: string | null) => (value === null ? null : maskPiiInText(value))) as PiiLens['text'],
  deep: maskPiiDeep,
  contact: (contact) => {
    const shown = (seen: boolean) => (contact.vulnerability === undefined ? {} : { vulnerability: seen ? contact.vulnerability : [] });
    // An anonymous requester is invisible to departments; a confidential one is masked harder.
    return contact.anonymous
      ? { ...contact, ...shown(false), name: null, phone: null, idNumber: null, masked: true }
      : {
          ...contact,
          ...shown(servesVulnerable),
          name: contact.confidential ? maskName(contact.name) : contact.name,
          phone: maskPhone(contact.phone),
          idNumber: maskIdNumber(contact.idNumber),
          masked: true,
        };
  },
  citizenName: (name) => (name === null ? null : '市民'),
});
const maskedLens = masked(false);
/** Runners serve the elderly, disabled and seriously ill at home (帮办代办): they see who is vulnerable. */
const runnerLens = masked(true);

export const piiLens = (viewer: Actor): PiiLens =>
  isCenterActor(viewer) ? clearLens : viewer.kind === 'user' && viewer.role === 'runner' ? runnerLens : maskedLens;

/** For text that leaves for a shared place (a chat channel, a staff SMS, a log): masked whoever reads it. */
export const sharedPlaceLens: PiiLens = maskedLens;
