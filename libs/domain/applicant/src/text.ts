import type { ValidationCode } from './validation';

/**
 * Control (Cc), format (Cf: bidi overrides, zero-width characters, BOM), private-use (Co) and lone surrogate
 * (Cs) code points, noncharacters, and U+FFFD, which a decoder puts where the input was not valid UTF-8. They
 * are invisible, unprintable or a sign of damaged input, and private-use code points mean nothing outside
 * the system that made them. Variation selectors (Mn), which select kanji variants in names, stay allowed.
 */
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Noncharacter_Code_Point}\uFFFD]/u;

/** Full-width katakana letters (ァ..ヺ), the prolonged sound mark ー and the iteration marks ヽヾ. */
const KATAKANA_ONLY = /^[\u30A1-\u30FA\u30FC-\u30FE]+$/u;

/**
 * Full-width ASCII (！..～), half-width katakana and punctuation (｡..ﾟ) and the full-width signs (￠..￮).
 * Only these runs are folded with NFKC: NFKC over a whole name would also rewrite kanji and symbols a
 * person's registered name depends on.
 */
const WIDTH_VARIANTS = /[\uFF01-\uFF5E\uFF61-\uFF9F\uFFE0-\uFFEE]+/gu;

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/**
 * NFC, with full-width Latin letters, digits and signs folded to ASCII and half-width katakana widened
 * (ｶﾞ → ガ, １２３ → 123, ＡＢＣ → ABC). The ideographic space stays: it separates name parts on forms.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFC')
    .replace(WIDTH_VARIANTS, (run) => run.normalize('NFKC'))
    .normalize('NFC');
}

/**
 * The first rule a free-text value breaks, or undefined. Strings must be NFC: intake normalises input
 * deliberately ({@link normalizeText}) before it validates, and stores exactly what it validated.
 */
export function textProblem(value: unknown, maxLength: number): ValidationCode | undefined {
  if (value === undefined || value === null) return 'REQUIRED';
  if (typeof value !== 'string') return 'NOT_A_STRING';
  if (value.trim() === '') return 'REQUIRED';
  if (value.normalize('NFC') !== value) return 'NOT_NFC';
  if (FORBIDDEN_CHARACTER.test(value)) return 'FORBIDDEN_CHARACTER';
  if (codePointLength(value) > maxLength) return 'TOO_LONG';
  return undefined;
}

export function isKatakana(text: string): boolean {
  return KATAKANA_ONLY.test(text);
}
