import type { RequestType, Urgency } from '../tickets/ticket.types';

/**
 * What plain words settle before any model: the request type the citizen names (我要投诉, 请问, 建议…),
 * and the urgency that life and safety words demand. Ordered rules, first match wins; the learned
 * model decides the rest. Data, not code branches, so it reads as the policy it is.
 */
const requestTypeRules: Array<[RegExp, RequestType]> = [
  [/代办|帮办|帮我办|代为办理/, 'proxy'],
  [/举报|检举|揭发/, 'report'],
  [/投诉/, 'complaint'],
  [/表扬|点赞|锦旗/, 'praise'],
  [/^建议|我建议|提议/, 'suggestion'],
  [/^(?:请问|咨询|想咨询|我想问)/, 'consult'],
];

/** Life and safety first, then outages of utilities; a floor the learned urgency can only raise. */
const urgencyRules: Array<[RegExp, Urgency]> = [
  [/火灾|着火|爆炸|燃气泄漏|煤气泄漏|煤气味|有人受伤|生命危险|坍塌|塌方|滑坡|溺水|触电|被困/, 'emergency'],
  [/停水|停电|停气|断水|断电|暖气不热|没有暖气|积水严重|井盖(丢失|缺失)|危险/, 'urgent'],
];

/** The type the citizen named, with the confidence a named type deserves; undefined when they named none. */
export function ruleRequestType(text: string): { value: RequestType; confidence: number } | undefined {
  for (const [pattern, value] of requestTypeRules) if (pattern.test(text)) return { value, confidence: 0.9 };
  return undefined;
}

export function ruleUrgency(text: string): Urgency {
  for (const [pattern, value] of urgencyRules) if (pattern.test(text)) return value;
  return 'normal';
}

/** The most specific region named in the text (longest name wins: 东华社区 over 东城区). */
export function matchRegion<R extends { id: number; name: string; level: string }>(text: string, regions: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const region of regions) {
    if (region.name.length >= 2 && text.includes(region.name) && (!best || region.name.length > best.name.length)) best = region;
  }
  return best;
}

/** A run of address parts: 东城区东华街道滨河社区2号门, 石门村5组, 人民路18号3栋2单元. */
const addressRun =
  /(?:[\u4e00-\u9fa5A-Za-z0-9]{1,8}?(?:省|市|区|县|镇|乡|街道|社区|村|组|小区|花园|路|街|巷|大道|号楼|号院|号门|号|栋|幢|单元|室|门))+/g;
/** Words that lead into an address but are not part of it. */
const leadIn = /^(?:我家住在|我家住|家住在|家住|我住在|住在|我在|位于|地址是|地址|在)/;

/** The longest address-like run in the text (at least 4 characters), or undefined. */
export function extractAddress(text: string): string | undefined {
  let best: string | undefined;
  for (const match of text.matchAll(addressRun)) {
    const candidate = match[0].replace(leadIn, '');
    if (candidate.length >= 4 && (!best || candidate.length > best.length)) best = candidate;
  }
  return best;
}
