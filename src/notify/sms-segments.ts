/**
 * How many SMS segments a text takes, as carriers (and Twilio) count them: GSM-7 when
 * every character is in the GSM 03.38 alphabet (160 per single message, 153 per part,
 * extension characters count twice); otherwise UCS-2 (70, or 67 per part, counted in
 * UTF-16 code units, so an emoji counts twice). Chinese text is always UCS-2.
 */
const gsmBasic =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const gsmExtension = '^{}\\[~]|€\f';
const basic = new Set(gsmBasic);
const extension = new Set(gsmExtension);

/** UTF-16 units per part of a multi-part UCS-2 (Chinese) SMS. */
export const ucs2PartUnits = 67;

export interface SegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  units: number;
  segments: number;
}

export function countSegments(text: string): SegmentCount {
  let gsmUnits = 0;
  let gsm = true;
  for (const char of text) {
    if (basic.has(char)) gsmUnits += 1;
    else if (extension.has(char)) gsmUnits += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: gsmUnits, segments: gsmUnits <= 160 ? 1 : Math.ceil(gsmUnits / 153) };
  const units = text.length; // UTF-16 code units
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / ucs2PartUnits) };
}
