export { Backoff } from './lib/backoff';
export { silentLog } from './lib/encoder-station';
export type { CardChannel, EncoderStation, StationLog } from './lib/encoder-station';
export {
  CardCommunicationError,
  CardRemovedError,
  ChannelClosedError,
  formatPcscCode,
  NoCardError,
  ReaderUnavailableError,
  StationBusyError,
  StationError,
  TransmitTimeoutError,
} from './lib/errors';
export type { StationErrorCode } from './lib/errors';
export { InProcessStation } from './lib/in-process-station';
export { classifyPcscFailure, PcscReturnCode, pcscReturnCodeOf } from './lib/pcsc-return-codes';
export type { PcscFailureKind } from './lib/pcsc-return-codes';
export { listPcscReaders } from './lib/pcsc-readers';
export { PcscStation } from './lib/pcsc-station';
export type { PcscStationOptions } from './lib/pcsc-station';
export { transmitWithResponseChaining } from './lib/response-chaining';
export type { RawTransmit } from './lib/response-chaining';
export { InsertInterruptedError, VpcdConnection, VpcdUnreachableError } from './lib/vpcd-connection';
export type { VpcdConnectionOptions } from './lib/vpcd-connection';
export {
  answerVpcdMessage,
  encodeVpcdFrame,
  VPCD_DEFAULT_HOST,
  VPCD_DEFAULT_PORT,
  VPCD_MAX_MESSAGE,
  VpcdControl,
  VpcdFrameDecoder,
  VpcdMessageTooLargeError,
} from './lib/vpcd-protocol';
