// The data field of CREATE FILE: an ISO 7816-4 FCP template reduced to the three things this card needs.
//
//   62 L                     FCP template
//      83 02 <FID>           file identifier
//      80 02 <size>          number of data bytes (1 or 2 bytes accepted)
//      86 L <read access>    security attribute, proprietary form: 00 always, FF never, or the FIDs
//                            (0001..001E) of the PIN objects any one of which opens the file
//
// Every tag is required exactly once and nothing else is accepted, so an encoder bug surfaces as 6A80
// instead of a silently different file.
import { AccessCondition, decodeAccessCondition, encodeAccessCondition } from './access-condition';
import { concatBytes } from './bytes';

export interface FileCreationParameters {
  readonly fid: number;
  readonly size: number;
  readonly readAccess: AccessCondition;
}

const TAG_FCP = 0x62;
const TAG_FILE_ID = 0x83;
const TAG_SIZE = 0x80;
const TAG_SECURITY = 0x86;

export class InvalidFileCreationParametersError extends Error {
  readonly code = 'INVALID_FCP' as const;
  constructor(reason: string) {
    super(`invalid CREATE FILE parameters: ${reason}`);
    this.name = 'InvalidFileCreationParametersError';
  }
}

export function encodeFileCreationParameters(parameters: FileCreationParameters): Uint8Array {
  const { fid, size, readAccess } = parameters;
  const access = encodeAccessCondition(readAccess);
  const inner = concatBytes(
    Uint8Array.of(TAG_FILE_ID, 2, fid >> 8, fid & 0xff),
    Uint8Array.of(TAG_SIZE, 2, size >> 8, size & 0xff),
    Uint8Array.of(TAG_SECURITY, access.length),
    access,
  );
  return concatBytes(Uint8Array.of(TAG_FCP, inner.length), inner);
}

export function parseFileCreationParameters(data: Uint8Array): FileCreationParameters {
  if (data.length < 2 || data[0] !== TAG_FCP)
    throw new InvalidFileCreationParametersError('expected an FCP template (62)');
  if (data[1] !== data.length - 2)
    throw new InvalidFileCreationParametersError('template length does not match Lc');
  const fields = new Map<number, Uint8Array>();
  let offset = 2;
  while (offset < data.length) {
    if (offset + 2 > data.length) throw new InvalidFileCreationParametersError('truncated TLV');
    const tag = data[offset];
    const length = data[offset + 1];
    const value = data.subarray(offset + 2, offset + 2 + length);
    if (value.length !== length)
      throw new InvalidFileCreationParametersError(`tag ${tag.toString(16)} runs past the end`);
    if (fields.has(tag)) throw new InvalidFileCreationParametersError(`tag ${tag.toString(16)} given twice`);
    fields.set(tag, value);
    offset += 2 + length;
  }
  for (const tag of fields.keys()) {
    if (tag !== TAG_FILE_ID && tag !== TAG_SIZE && tag !== TAG_SECURITY) {
      throw new InvalidFileCreationParametersError(`unsupported tag ${tag.toString(16)}`);
    }
  }
  const fidBytes = fields.get(TAG_FILE_ID);
  const sizeBytes = fields.get(TAG_SIZE);
  const securityBytes = fields.get(TAG_SECURITY);
  if (fidBytes?.length !== 2) throw new InvalidFileCreationParametersError('83 must hold a 2-byte FID');
  if (sizeBytes === undefined || sizeBytes.length < 1 || sizeBytes.length > 2) {
    throw new InvalidFileCreationParametersError('80 must hold a 1- or 2-byte size');
  }
  if (securityBytes === undefined) throw new InvalidFileCreationParametersError('86 is missing');
  const readAccess = decodeAccessCondition(securityBytes);
  if (readAccess === undefined) throw new InvalidFileCreationParametersError('86 is not an access condition');
  const size = sizeBytes.reduce((value, byte) => (value << 8) | byte, 0);
  return { fid: (fidBytes[0] << 8) | fidBytes[1], size, readAccess };
}
