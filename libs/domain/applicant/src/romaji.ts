import { toRomaji } from 'wanakana';

/**
 * Passport Hepburn (外務省ヘボン式), as Japanese passports spell names. wanakana does the kana → Hepburn
 * transliteration (ジ JI, ヂ JI, ヅ ZU, っち TCHI); passport practice then differs from plain Hepburn in three
 * ways, applied here:
 * - long vowels are not marked: オウ and オオ are O, ウウ is U, and the prolonged sound mark ー is dropped
 *   (サトウ SATO, オオノ ONO, ユウコ YUKO); アア, イイ and エエ stay (ニイガタ NIIGATA);
 * - ン before B, M or P is M (シンバシ SHIMBASHI, ナンバ NAMBA);
 * - no apostrophe after ン (ジュンイチ JUNICHI).
 * A passport may use another spelling on request (OH for a long O, foreign-origin names): that is why a
 * passport spelling, when the applicant has one, wins over this derivation.
 */
export function passportHepburn(katakana: string): string {
  const hepburn = toRomaji(expandIterationMarks(katakana).replace(/ー/g, ''));
  return hepburn
    .replace(/'/g, '')
    .replace(/oo|ou|uu/g, (pair) => pair[0]!)
    .replace(/n(?=[bmp])/g, 'm')
    .toUpperCase();
}

/** How a passport writes a name: upper-case Latin letters, with single spaces or hyphens between parts. */
const PASSPORT_SPELLING = /^[A-Z]+(?:[ -][A-Z]+)*$/;

export function isPassportSpelling(text: string): boolean {
  return PASSPORT_SPELLING.test(text);
}

/** ヽ repeats the kana before it, ヾ repeats it voiced (ササヽ = サササ, スヾキ = スズキ). */
function expandIterationMarks(katakana: string): string {
  let previous = '';
  let result = '';
  for (const character of katakana) {
    const expanded =
      character === 'ヽ' ? previous : character === 'ヾ' ? `${previous}\u3099`.normalize('NFC') : character;
    result += expanded;
    previous = expanded;
  }
  return result;
}
