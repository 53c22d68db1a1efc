/**
 * Text from outside is valid Unicode with no NUL and no other control character but line
 * breaks and tabs: PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded
 * as UTF-8. Staff input with such a character is refused naming the field (validate.ts);
 * a provider's webhook, which cannot be corrected, has the characters removed instead.
 */
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const loneSurrogates = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const isCleanText = (text: string): boolean => !controlCharacter.test(text) && text.isWellFormed();

export const cleanText = (text: string): string =>
  isCleanText(text) ? text : text.replace(controlCharacters, '').replace(loneSurrogates, '');

/** The path of the first string (or object key) in a parsed input that is not clean text, or undefined. */
export function findUncleanText(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return isCleanText(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUncleanText(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (!isCleanText(key)) return [...path, cleanText(key)];
      const found = findUncleanText(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** A copy of a provider's parsed body with every string made clean (keys too). */
export function cleanProviderInput<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map((item) => cleanProviderInput(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [cleanText(key), cleanProviderInput(item)])) as T;
  }
  return value;
}
