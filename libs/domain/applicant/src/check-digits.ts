/**
 * Check digits of the two public numbering schemes the applicant data carries.
 * Both functions take the digits before the check digit and return the check digit as one character.
 */

const DIGITS = (length: number) => new RegExp(`^\\d{${length}}$`);
const ELEVEN_DIGITS = DIGITS(11);
const TWELVE_DIGITS = DIGITS(12);
const FIVE_DIGITS = DIGITS(5);
const SIX_DIGITS = DIGITS(6);

/**
 * Check digit of an individual number (個人番号). The Cabinet Order (番号法施行令 第8条) leaves the formula
 * to the MIC ordinance (平成26年総務省令第85号 第5条, as we read it): with Pn the n-th digit counted from the right of the first 11 digits, and
 * Qn = n + 1 for n = 1..6 and n − 5 for n = 7..11 (weights 2-7, then 2-6), let r = Σ Pn·Qn mod 11;
 * the check digit is 0 when r ≤ 1, else 11 − r.
 */
export function myNumberCheckDigit(first11: string): string {
  if (!ELEVEN_DIGITS.test(first11)) throw new RangeError('expected exactly 11 ASCII digits');
  let sum = 0;
  for (let n = 1; n <= 11; n += 1) {
    const digit = first11.charCodeAt(11 - n) - 48;
    sum += digit * (n <= 6 ? n + 1 : n - 5);
  }
  const remainder = sum % 11;
  return String(remainder <= 1 ? 0 : 11 - remainder);
}

/** True when `s` is 12 ASCII digits whose last digit is the check digit of the first 11. */
export function isValidMyNumber(s: string): boolean {
  return TWELVE_DIGITS.test(s) && myNumberCheckDigit(s.slice(0, 11)) === s[11];
}

/**
 * Check digit of a local government code (全国地方公共団体コード: the JIS X 0402 five digits plus MIC's check digit):
 * weights 6, 5, 4, 3, 2 over the five digits, check digit = last digit of (11 − (sum mod 11)),
 * so a remainder of 0 gives 1 and a remainder of 1 gives 0.
 */
export function localGovernmentCodeCheckDigit(first5: string): string {
  if (!FIVE_DIGITS.test(first5)) throw new RangeError('expected exactly 5 ASCII digits');
  let sum = 0;
  for (let i = 0; i < 5; i += 1) sum += (first5.charCodeAt(i) - 48) * (6 - i);
  return String((11 - (sum % 11)) % 10);
}

/** True when `s` is 6 ASCII digits whose last digit is the check digit of the first 5. */
export function isValidLocalGovernmentCode(s: string): boolean {
  return SIX_DIGITS.test(s) && localGovernmentCodeCheckDigit(s.slice(0, 5)) === s[5];
}
