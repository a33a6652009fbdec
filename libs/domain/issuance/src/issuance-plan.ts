import type { IsoDate } from '@mnc/domain-applicant';
import type { CardProfile } from './card-profile';
import {
  collationNumberB,
  generateInitialPins,
  generatePuk,
  generateSecurityCode,
  isPuk,
  isSecurityCode,
  type InitialPins,
  type RandomInt,
} from './card-secrets';
import { cardExpiryDate, certificateInstants, certificateValidity } from './card-validity';
import { isValidCardNumber } from './card-number';
import { initialPinState, type PinSlot } from './pins';

/** The random values of one card: drawn once, stored, and reused on every retry of the same card. */
export interface CardSecrets {
  readonly securityCode: string;
  /** Next-gen only. */
  readonly puk?: string;
  /** Legacy only: written at encoding, sent in the PIN letter. */
  readonly initialPins?: InitialPins;
}

export function generateCardSecrets(profile: CardProfile, random?: RandomInt): CardSecrets {
  const securityCode = generateSecurityCode(random);
  return profile === 'next-gen'
    ? { securityCode, puk: generatePuk(random) }
    : { securityCode, initialPins: generateInitialPins(random) };
}

export interface IssuancePlan {
  readonly cardProfile: CardProfile;
  readonly cardNumber: string;
  readonly issuedOn: IsoDate;
  readonly expiresOn: IsoDate;
  /** JPKI signature and user-authentication certificates share this validity. */
  readonly certificates: {
    readonly validFrom: IsoDate;
    readonly lastValidDay: IsoDate;
    readonly notBefore: string;
    readonly notAfter: string;
  };
  readonly securityCode: string;
  readonly collationNumberB: string;
  readonly puk?: string;
  /** Legacy only: the initial PINs written at encoding and sent in the PIN letter. */
  readonly initialPins?: InitialPins;
  readonly pins: readonly PinSlot[];
}

/** Everything about a card that follows from the applicant's birth date, the profile, the day and the secrets. */
export function planIssuance(input: {
  readonly cardProfile: CardProfile;
  readonly cardNumber: string;
  readonly birthDate: IsoDate;
  readonly issuedOn: IsoDate;
  readonly secrets: CardSecrets;
}): IssuancePlan {
  const { cardProfile, cardNumber, birthDate, issuedOn, secrets } = input;
  if (!isValidCardNumber(cardNumber)) throw new RangeError('invalid card number');
  if (!isSecurityCode(secrets.securityCode)) throw new RangeError('a security code is 4 digits');
  if (cardProfile === 'next-gen' && (secrets.puk === undefined || !isPuk(secrets.puk)))
    throw new RangeError('a next-gen card needs an 8-digit PUK');
  if (cardProfile === 'legacy-rsa2048' && secrets.puk !== undefined)
    throw new RangeError('a legacy card has no PUK');
  if (cardProfile === 'legacy-rsa2048' && secrets.initialPins === undefined)
    throw new RangeError('a legacy card needs its initial PINs');
  const expiresOn = cardExpiryDate(birthDate, issuedOn);
  const validity = certificateValidity(cardProfile, birthDate, issuedOn);
  return {
    cardProfile,
    cardNumber,
    issuedOn,
    expiresOn,
    certificates: { ...validity, ...certificateInstants(validity) },
    securityCode: secrets.securityCode,
    collationNumberB: collationNumberB(birthDate, expiresOn, secrets.securityCode),
    ...(secrets.puk !== undefined ? { puk: secrets.puk } : {}),
    ...(secrets.initialPins !== undefined ? { initialPins: secrets.initialPins } : {}),
    pins: initialPinState(cardProfile),
  };
}
