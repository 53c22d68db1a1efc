import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * Normalises a phone number to E.164, reading national numbers as Chinese
 * ("138 1234 5678", "+86-138…", "0086…", "010-12345678"). Undefined when it is not a valid number.
 */
export function normalizePhone(raw: string): string | undefined {
  // Fast path for the common case, a mainland mobile number (1[3-9] + 9 digits).
  const mobile = /^(?:\+?86|0086)?(1[3-9]\d{9})$/.exec(raw.replace(/[\s-]/g, ''));
  if (mobile) return `+86${mobile[1]}`;
  const cleaned = raw.trim().replace(/^00/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, 'CN');
  return parsed?.isValid() ? parsed.number : undefined;
}
