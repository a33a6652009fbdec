import type { ValidationCode } from './validation';

/**
 * Control (Cc), format (Cf: bidi overrides, zero-width characters, BOM), private-use (Co) and lone surrogate
 * (Cs) code points. They are invisible or unprintable on a card face, and private-use code points mean
 * nothing outside the system that made them. Variation selectors (Mn), which select kanji variants in names,
 * stay allowed.
 */
const FORBIDDEN_CHARACTER = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/u;

/** Full-width katakana letters (ァ..ヺ), the prolonged sound mark ー and the iteration marks ヽヾ. */
const KATAKANA_ONLY = /^[\u30A1-\u30FA\u30FC-\u30FE]+$/u;

export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/**
 * The first rule a free-text value breaks, or undefined. Strings must arrive NFC-normalised: the pipeline
 * stores and signs exactly what it received, so normalising is the sender's deliberate step, not a silent one here.
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
