export {
  ACCESS_CONDITION_BYTE,
  afterPin,
  ALWAYS,
  decodeAccessCondition,
  describeAccessCondition,
  encodeAccessCondition,
  isAccessCondition,
  NEVER,
} from './lib/access-condition';
export type { AccessCondition, AccessConditionKind } from './lib/access-condition';
export {
  apduCase,
  encodeCommandApdu,
  encodeResponseApdu,
  MalformedApduError,
  MalformedResponseError,
  MAX_EXTENDED_DATA,
  MAX_EXTENDED_NE,
  MAX_SHORT_DATA,
  MAX_SHORT_NE,
  parseCommandApdu,
  parseResponseApdu,
} from './lib/apdu';
export type { ApduCase, CommandApdu, CommandApduInput, ResponseApdu } from './lib/apdu';
export {
  APPLICATION_NAMES,
  APPLICATIONS,
  applicationAid,
  applicationByAid,
  isApplicationName,
} from './lib/applications';
export type { ApplicationDefinition, ApplicationName } from './lib/applications';
export { bytesEqual, concatBytes, fromHex, hex, InvalidHexError } from './lib/bytes';
export { CardSession, CardStatusError, READ_CHUNK, WRITE_CHUNK } from './lib/card-session';
export type { Transmit, VerifyResult } from './lib/card-session';
export {
  CardCommand,
  CLA_INTERINDUSTRY,
  CLA_PROPRIETARY,
  INS,
  KEY_PAIR_P1,
  referenceP2,
  RESET_P1,
  TAG_CARD_SERIAL,
} from './lib/commands';
export type { ObjectReference } from './lib/commands';
export { digestInfo } from './lib/digest-info';
export type { DigestAlgorithm } from './lib/digest-info';
export { decodeEcdsaSignature, encodeEcdsaSignature } from './lib/ecdsa-der';
export {
  encodeFileCreationParameters,
  InvalidFileCreationParametersError,
  parseFileCreationParameters,
} from './lib/file-control-parameters';
export type { FileCreationParameters } from './lib/file-control-parameters';
export {
  CERTIFICATE_PRESENCE,
  formatFid,
  JPKI_FID,
  TEXT_FID,
  TOKEN_INFO_SIZE,
  TOKEN_LABEL,
  tokenInfo,
  VISUAL_FID,
} from './lib/identifiers';
export {
  CARD_PROFILES,
  cardProfile,
  EC_HASH,
  isCardProfile,
  isWellFormedPin,
  keyDefinition,
  pinDefinition,
  profileAtr,
} from './lib/profiles';
export type {
  ApplicationProfile,
  CardProfile,
  CardProfileDefinition,
  FileDefinition,
  KeyAlgorithm,
  KeyObjectDefinition,
  PinFormat,
  PinObjectDefinition,
} from './lib/profiles';
export {
  encodePublicKey,
  MalformedPublicKeyError,
  parsePublicKey,
  publicKeyObject,
  publicKeySpki,
  TAG_PUBLIC_KEY,
} from './lib/public-key';
export type { CardPublicKey } from './lib/public-key';
export {
  bytesRemaining,
  describeStatusWord,
  SW,
  SW1_BYTES_REMAINING,
  SW1_WRONG_LE,
  triesLeft,
  triesLeftOf,
  wrongLe,
} from './lib/status-words';
export type { StatusWord, StatusWordName } from './lib/status-words';
export { encodeTlv, parseTlvs, readTlv } from './lib/tlv';
export type { Tlv } from './lib/tlv';
export { CERTIFICATE_OF_KEY, personaliseCard, PersonalisationPlanError } from './lib/personalisation';
export type { GeneratedKey, PersonalisationPlan } from './lib/personalisation';
