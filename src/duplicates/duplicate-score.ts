import { queryWords } from '../shared/chinese-words';

/**
 * Whether two requests are the same matter told twice (并单): pure rules over what each says and where
 * and when, so that they are tested on labeled pairs. The score adds what the two share — the caller,
 * the address or the spot, the place, the category, the words — less a little for the hours between them.
 */
export interface Request {
  description: string;
  address: string | null;
  regionId: number | null;
  categoryId: number | null;
  contactId: number | null;
  location: { latitude: number; longitude: number } | null;
  createdAt: Date;
}

export interface DuplicateScore {
  score: number;
  /** Why, in the seat's words: 同一来电人, 同一地址, 相距 80 米, 同一分类, 内容相似 0.82, 相隔 2 小时. */
  reasons: string[];
}

/** The score from which a candidate is offered for 并单. */
export const duplicateThreshold = 0.45;

/**
 * What a text is compared by: its words (jieba's cut) and its pairs of adjacent Han characters — a citizen's
 * paraphrase (水管爆了 / 水管破裂) shares pairs (水管) where it shares no whole word.
 */
export function wordsOf(text: string): Set<string> {
  const terms = new Set(queryWords(text));
  const han = text.normalize('NFKC').replace(/[^\p{Script=Han}\d]/gu, ' ');
  for (const run of han.split(' ')) for (let i = 0; i + 1 < run.length; i++) terms.add(run.slice(i, i + 2));
  return terms;
}

/** Dice's coefficient of two word sets: 1 for the same words, 0 for none shared. */
export function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const word of a) if (b.has(word)) shared += 1;
  return (2 * shared) / (a.size + b.size);
}

/** An address compared without spaces, punctuation and the city's name in front. */
const addressKey = (address: string | null) =>
  (address ?? '')
    .normalize('NFKC')
    .replace(/[\s,，.。、()（）#-]/g, '')
    .replace(/^示范市/, '');

/** Metres between two points (equirectangular: exact enough within a city). */
export function metresApart(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const x = (b.longitude - a.longitude) * rad * Math.cos(((a.latitude + b.latitude) / 2) * rad);
  const y = (b.latitude - a.latitude) * rad;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

/** The building or door numbers a text names (3号楼, 5栋, 12号): two different ones are two different places. */
const numbersIn = (text: string) =>
  new Set([...text.normalize('NFKC').matchAll(/(\d+)\s*(号楼|栋|幢|单元|号)/g)].map((m) => `${m[1]}${m[2]}`));

export function scoreDuplicate(
  ticket: Request & { words?: ReadonlySet<string> },
  other: Request & { words?: ReadonlySet<string> },
): DuplicateScore {
  const reasons: string[] = [];
  let score = 0;
  const text = similarity(ticket.words ?? wordsOf(ticket.description), other.words ?? wordsOf(other.description));
  if (ticket.contactId !== null && ticket.contactId === other.contactId) {
    score += 0.15;
    reasons.push('同一来电人');
  }
  const [mine, theirs] = [addressKey(ticket.address), addressKey(other.address)];
  const near = ticket.location && other.location ? metresApart(ticket.location, other.location) : undefined;
  const [myNumbers, theirNumbers] = [
    numbersIn(`${ticket.address ?? ''}${ticket.description}`),
    numbersIn(`${other.address ?? ''}${other.description}`),
  ];
  if (myNumbers.size > 0 && theirNumbers.size > 0 && ![...myNumbers].some((n) => theirNumbers.has(n))) {
    score -= 0.25;
    reasons.push('门牌不同');
  } else if (mine.length >= 4 && theirs.length >= 4 && (mine === theirs || mine.includes(theirs) || theirs.includes(mine))) {
    score += 0.2;
    reasons.push('同一地址');
  } else if (near !== undefined && near <= 300) {
    score += 0.2;
    reasons.push(`相距 ${Math.round(near)} 米`);
  } else if (ticket.regionId !== null && ticket.regionId === other.regionId) {
    score += 0.15;
    reasons.push('同一区域');
  }
  if (ticket.categoryId !== null && ticket.categoryId === other.categoryId) {
    score += 0.2;
    reasons.push('同一分类');
  } else if (ticket.categoryId !== null && other.categoryId !== null) {
    score -= 0.15;
    reasons.push('分类不同');
  }
  score += 0.5 * text;
  reasons.push(`内容相似 ${text.toFixed(2)}`);
  const hours = Math.abs(ticket.createdAt.getTime() - other.createdAt.getTime()) / 3_600_000;
  score -= 0.1 * Math.min(1, hours / 168);
  reasons.push(
    hours < 1
      ? `相隔 ${Math.max(1, Math.round(hours * 60))} 分钟`
      : hours < 48
        ? `相隔 ${Math.round(hours)} 小时`
        : `相隔 ${Math.round(hours / 24)} 天`,
  );
  return { score: Math.max(0, Math.min(1, Math.round(score * 100) / 100)), reasons };
}
