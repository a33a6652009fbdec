export { ACCESS_CONDITION_BYTE, ALWAYS, NEVER } from './lib/access-condition';
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
export { CardCommand } from './lib/card-commands';
export { bytesEqual, concatBytes, fromHex, hex, InvalidHexError } from './lib/bytes';
export { CARD_PROFILES, cardProfile, isCardProfile, profileAtr } from './lib/card-profile';
export type { CardProfile, CardProfileDefinition } from './lib/card-profile';
export type { LifeCycleState } from './lib/card-runtime';
export { CARD_SERIAL_LENGTH, CARD_STATE_FORMAT, InvalidCardStateError } from './lib/card-state';
export type { ElementaryFileState, VirtualCardState } from './lib/card-state';
export { TAG_CARD_SERIAL } from './lib/commands/get-data';
export { MAX_EF_SIZE, UNWRITTEN_BYTE } from './lib/elementary-file';
export {
  encodeFileCreationParameters,
  parseFileCreationParameters,
  InvalidFileCreationParametersError,
} from './lib/file-control-parameters';
export type { FileCreationParameters } from './lib/file-control-parameters';
export {
  bytesRemaining,
  describeStatusWord,
  SW,
  SW1_BYTES_REMAINING,
  SW1_WRONG_LE,
  wrongLe,
} from './lib/status-words';
export type { StatusWord, StatusWordName } from './lib/status-words';
export { CLA_INTERINDUSTRY, CLA_PROPRIETARY, INS, VirtualCard } from './lib/virtual-card';
export type { CardChangeListener, ElementaryFileSummary, VirtualCardSummary } from './lib/virtual-card';
