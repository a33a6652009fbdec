// The virtual card. The card interface itself (AIDs, FIDs, commands, status words, APDU codec) lives in
// @mnc/card-profiles and is re-exported here for the callers that imported it from the card.
export {
  ACCESS_CONDITION_BYTE,
  afterPin,
  ALWAYS,
  apduCase,
  APPLICATION_NAMES,
  APPLICATIONS,
  applicationAid,
  applicationByAid,
  bytesEqual,
  bytesRemaining,
  CARD_PROFILES,
  CardCommand,
  cardProfile,
  concatBytes,
  describeStatusWord,
  encodeCommandApdu,
  encodeFileCreationParameters,
  encodeResponseApdu,
  fromHex,
  hex,
  InvalidFileCreationParametersError,
  InvalidHexError,
  isApplicationName,
  isCardProfile,
  MalformedApduError,
  MalformedResponseError,
  MAX_EXTENDED_DATA,
  MAX_EXTENDED_NE,
  MAX_SHORT_DATA,
  MAX_SHORT_NE,
  NEVER,
  parseCommandApdu,
  parseFileCreationParameters,
  parseResponseApdu,
  profileAtr,
  SW,
  SW1_BYTES_REMAINING,
  SW1_WRONG_LE,
  TAG_CARD_SERIAL,
  wrongLe,
} from '@mnc/card-profiles';
export type {
  AccessCondition,
  AccessConditionKind,
  ApduCase,
  ApplicationDefinition,
  ApplicationName,
  CardProfile,
  CardProfileDefinition,
  CommandApdu,
  CommandApduInput,
  FileCreationParameters,
  ResponseApdu,
  StatusWord,
  StatusWordName,
} from '@mnc/card-profiles';
export type { LifeCycleState } from './lib/card-runtime';
export { CARD_SERIAL_LENGTH, CARD_STATE_FORMAT, InvalidCardStateError } from './lib/card-state';
export type { ElementaryFileState, KeyObjectState, PinObjectState, VirtualCardState } from './lib/card-state';
export { MAX_EF_SIZE, UNWRITTEN_BYTE } from './lib/elementary-file';
export { CLA_INTERINDUSTRY, CLA_PROPRIETARY, INS, VirtualCard } from './lib/virtual-card';
export type {
  CardChangeListener,
  ElementaryFileSummary,
  VirtualCardOptions,
  VirtualCardSummary,
} from './lib/virtual-card';
export { generateKeyMaterial, RsaKeyReserve } from './lib/key-generation';
export type { KeyGenerator } from './lib/key-generation';
