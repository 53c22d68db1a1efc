import type { RequestType, Urgency } from '../tickets/ticket.types';
import { starterSetText } from './starter-set-text';

/**
 * The starter training set: a sentence per line for every second-level category of the default
 * taxonomy, each with its request type and urgency, so a fresh hub suggests level-2 categories and
 * learns how people ask, not only what about. Real deployments retrain on their own decisions.
 */
export interface StarterExample {
  code: string;
  requestType: RequestType;
  urgency: Urgency;
  text: string;
}

const types: Record<string, RequestType> = {
  咨询: 'consult',
  投诉: 'complaint',
  求助: 'help',
  举报: 'report',
  建议: 'suggestion',
  表扬: 'praise',
  代办: 'proxy',
};
const urgencyMarks: Record<string, Urgency> = { '': 'normal', '!': 'urgent', '!!': 'emergency' };

export function parseStarterSet(text: string): StarterExample[] {
  const examples: StarterExample[] = [];
  let code: string | undefined;
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const heading = /^## (\d{4}) \S+$/.exec(line);
    if (heading) {
      code = heading[1];
      continue;
    }
    const entry = /^(\S\S)(!{0,2}) (.+)$/.exec(line);
    const requestType = entry && types[entry[1]!];
    if (!code || !entry || !requestType) throw new Error(`starter set line ${n + 1} is not "## code name" or "type[!|!!] text": ${line}`);
    examples.push({ code, requestType, urgency: urgencyMarks[entry[2]!]!, text: entry[3]! });
  }
  return examples;
}

export const starterSet: readonly StarterExample[] = parseStarterSet(starterSetText);

/** The starter set as the category model's examples. */
export const starterCategoryExamples = (): Array<{ text: string; label: string }> =>
  starterSet.map((e) => ({ text: e.text, label: e.code }));
