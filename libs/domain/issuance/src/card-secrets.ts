import { randomInt } from 'node:crypto';
import { parseIsoDate, type IsoDate } from '@mnc/domain-applicant';
import { eraYymmdd } from './japanese-era';

/** A uniform random integer in [0, max): node:crypto's randomInt by default, injectable for tests. */
export type RandomInt = (max: number) => number;
const cryptoRandomInt: RandomInt = (max) => randomInt(0, max);

function randomDigits(length: number, random: RandomInt): string {
  // randomInt rejects biased draws internally, so every value of 10^length is equally likely.
  const value = random(10 ** length);
  if (!Number.isInteger(value) || value < 0 || value >= 10 ** length)
    throw new RangeError(`random source returned ${value}, outside [0, 10^${length})`);
  return String(value).padStart(length, '0');
}

/** The 4-digit security code printed on the card face: uniform over 0000-9999 from a CSPRNG. */
export function generateSecurityCode(random: RandomInt = cryptoRandomInt): string {
  return randomDigits(SECURITY_CODE_DIGITS, random);
}
export const SECURITY_CODE_DIGITS = 4;

/** The next-generation card's 8-digit PUK (the paper's table: 8 digits everywhere), uniform from a CSPRNG. */
export function generatePuk(random: RandomInt = cryptoRandomInt): string {
  return randomDigits(PUK_DIGITS, random);
}
export const PUK_DIGITS = 8;

const PASSWORD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const INITIAL_SIGNATURE_PASSWORD_LENGTH = 8;

/**
 * The legacy card's initial PINs. Today's card interface has no way to set a PIN after personalisation
 * closes, so a legacy card leaves the lane with random initial values, sent in a PIN letter apart from the
 * card (like the next-gen PUK letter); the resident changes them after hand-over.
 */
export interface InitialPins {
  readonly userAuthenticationPin: string;
  readonly signaturePassword: string;
}

export function generateInitialPins(random: RandomInt = cryptoRandomInt): InitialPins {
  const password = Array.from(
    { length: INITIAL_SIGNATURE_PASSWORD_LENGTH },
    () => PASSWORD_ALPHABET[random(PASSWORD_ALPHABET.length)],
  ).join('');
  return { userAuthenticationPin: randomDigits(4, random), signaturePassword: password };
}

export const isSecurityCode = (code: string): boolean => /^[0-9]{4}$/.test(code);
export const isPuk = (puk: string): boolean => /^[0-9]{8}$/.test(puk);

/**
 * 照合番号B (14 digits) opens the card-face half of the visual AP and the four facts of the text AP:
 * birth date as YYMMDD with the Japanese-era year, the card's expiry year (4 digits, Western), the security
 * code. The era letter is not part of it, so 昭和64年1月7日 and 平成元年... give different digits but, say,
 * 平成5年 and 令和5年 births on the same day share the first six: the expiry year and code still differ.
 */
export function collationNumberB(birthDate: IsoDate, expiresOn: IsoDate, securityCode: string): string {
  if (!isSecurityCode(securityCode)) throw new RangeError('a security code is 4 digits');
  const expiry = parseIsoDate(expiresOn, 'expiresOn');
  return `${eraYymmdd(birthDate)}${String(expiry.year).padStart(4, '0')}${securityCode}`;
}

/** 照合番号A: the 12-digit my number itself. */
export function collationNumberA(myNumber: string): string {
  if (!/^[0-9]{12}$/.test(myNumber)) throw new RangeError('a my number is 12 digits');
  return myNumber;
}
