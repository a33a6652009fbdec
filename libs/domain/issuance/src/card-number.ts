/**
 * Card numbers: the project's own scheme for the walking skeleton, NOT an official J-LIS format.
 *
 * 12 characters from Crockford's Base32 alphabet (digits and capitals without I, L, O, U, so nothing reads as
 * 1 or 0 by mistake):
 * - 1 scheme letter, `A` today, so a future scheme can coexist;
 * - 10 characters: the issuance sequence in base 32, zero-padded (room for 32^10 ≈ 1.1e15 cards);
 * - 1 check character: Luhn mod N with N = 32 over the first 11 characters, which catches every single
 *   wrong character and almost every swap of neighbours.
 * The letter prefix also means a card number can never be mistaken for a 12-digit my number.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE = ALPHABET.length;
const SCHEME_LETTER = 'A';
const SEQUENCE_LENGTH = 10;
export const MAX_CARD_SEQUENCE = 32n ** BigInt(SEQUENCE_LENGTH) - 1n;
const CARD_NUMBER = new RegExp(`^${SCHEME_LETTER}[${ALPHABET}]{${SEQUENCE_LENGTH + 1}}$`);

export function cardNumberFor(sequence: bigint): string {
  if (sequence < 0n || sequence > MAX_CARD_SEQUENCE) {
    throw new RangeError(`card sequence must be between 0 and ${MAX_CARD_SEQUENCE}`);
  }
  let body = '';
  for (let rest = sequence, i = 0; i < SEQUENCE_LENGTH; i += 1, rest /= 32n) {
    body = ALPHABET[Number(rest % 32n)] + body;
  }
  const payload = SCHEME_LETTER + body;
  return payload + ALPHABET[luhnModNCheck(payload)];
}

export function isValidCardNumber(cardNumber: string): boolean {
  return (
    CARD_NUMBER.test(cardNumber) && ALPHABET[luhnModNCheck(cardNumber.slice(0, -1))] === cardNumber.slice(-1)
  );
}

/** The sequence a valid card number encodes, or undefined. */
export function cardSequenceOf(cardNumber: string): bigint | undefined {
  if (!isValidCardNumber(cardNumber)) return undefined;
  let sequence = 0n;
  for (const character of cardNumber.slice(1, -1))
    sequence = sequence * 32n + BigInt(ALPHABET.indexOf(character));
  return sequence;
}

/** Luhn mod N: double every second code point from the right, starting with the rightmost payload character. */
function luhnModNCheck(payload: string): number {
  let sum = 0;
  let factor = 2;
  for (let i = payload.length - 1; i >= 0; i -= 1) {
    const addend = factor * ALPHABET.indexOf(payload[i] as string);
    sum += Math.floor(addend / BASE) + (addend % BASE);
    factor = factor === 2 ? 1 : 2;
  }
  return (BASE - (sum % BASE)) % BASE;
}
