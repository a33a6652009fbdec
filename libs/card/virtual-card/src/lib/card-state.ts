// The card's persistent memory as JSON, so a card keeps its files, PINs (values and tries left) and keys
// between insertions and process restarts. Volatile state (selected AP, current EF, security state) is
// deliberately absent: a removed card loses it. Format 1 (files only) still loads: its PINs and keys are unset.
import {
  AccessCondition,
  ApplicationName,
  cardProfile,
  CardProfile,
  encodePublicKey,
  fromHex,
  hex,
  isAccessCondition,
  isApplicationName,
  isCardProfile,
  parsePublicKey,
  MalformedPublicKeyError,
} from '@mnc/card-profiles';
import { ApplicationMemory, CardMemory, LifeCycleState } from './card-runtime';
import { KeyObject, PinObject } from './card-objects';
import { ElementaryFile, formatFid, isUsableFid, MAX_EF_SIZE } from './elementary-file';

export const CARD_STATE_FORMAT = 'mnc.virtual-card/2';
const FORMAT_FILES_ONLY = 'mnc.virtual-card/1';
export const CARD_SERIAL_LENGTH = 8;

export interface ElementaryFileState {
  /** FID as 4 upper-case hex digits. */
  readonly fid: string;
  /** Redundant with the content's length; kept so the JSON reads without decoding base64. */
  readonly size: number;
  readonly readAccess: AccessCondition;
  /** Base64 of the whole file, unwritten bytes included. */
  readonly content: string;
}

export interface PinObjectState {
  readonly fid: string;
  /** Hex of the ASCII value; absent until set. */
  readonly value?: string;
  readonly triesLeft: number;
}

export interface KeyObjectState {
  readonly fid: string;
  /** Base64 of the private key (PKCS#8 DER for RSA, the scalar for EC) and hex of the 7F49 public key. */
  readonly privateKey?: string;
  readonly publicKey?: string;
}

export interface VirtualCardState {
  readonly format: typeof CARD_STATE_FORMAT;
  /** Upper-case hex, CARD_SERIAL_LENGTH bytes. */
  readonly serial: string;
  readonly profile: CardProfile;
  readonly lifeCycle: LifeCycleState;
  readonly applications: {
    readonly [name in ApplicationName]?: {
      readonly files: readonly ElementaryFileState[];
      readonly pins?: readonly PinObjectState[];
      readonly keys?: readonly KeyObjectState[];
    };
  };
}

export class InvalidCardStateError extends Error {
  readonly code = 'INVALID_CARD_STATE' as const;
  constructor(reason: string) {
    super(`invalid virtual card state: ${reason}`);
    this.name = 'InvalidCardStateError';
  }
}

const LIFE_CYCLE_STATES: readonly LifeCycleState[] = ['personalisation', 'operational'];

export function memoryToState(memory: CardMemory): VirtualCardState {
  const applications: { [name in ApplicationName]?: VirtualCardState['applications'][ApplicationName] } = {};
  for (const [name, ap] of memory.applications) {
    applications[name] = {
      files: [...ap.files.values()]
        .sort((a, b) => a.fid - b.fid)
        .map((file) => ({
          fid: formatFid(file.fid),
          size: file.size,
          readAccess: file.readAccess,
          content: Buffer.from(file.content).toString('base64'),
        })),
      pins: [...ap.pins.values()].map((pin) => ({
        fid: formatFid(pin.fid),
        ...(pin.value === undefined ? {} : { value: hex(pin.value) }),
        triesLeft: pin.triesLeft,
      })),
      keys: [...ap.keys.values()].map((key) => ({
        fid: formatFid(key.fid),
        ...(key.material === undefined
          ? {}
          : {
              privateKey: Buffer.from(key.material.privateKey).toString('base64'),
              publicKey: hex(encodePublicKey(key.material.publicKey)),
            }),
      })),
    };
  }
  return {
    format: CARD_STATE_FORMAT,
    serial: hex(memory.serial),
    profile: memory.profile,
    lifeCycle: memory.lifeCycle,
    applications,
  };
}

/** Validates untrusted JSON (a state file) and rebuilds the card's memory from it. */
export function stateToMemory(json: unknown): CardMemory {
  if (typeof json !== 'object' || json === null) throw new InvalidCardStateError('not an object');
  const state = json as Record<string, unknown>;
  if (state['format'] !== CARD_STATE_FORMAT && state['format'] !== FORMAT_FILES_ONLY)
    throw new InvalidCardStateError(`format is not ${CARD_STATE_FORMAT}`);
  const serial = parseSerial(state['serial']);
  const profile = state['profile'];
  if (!isCardProfile(profile)) throw new InvalidCardStateError(`unknown profile ${String(profile)}`);
  const lifeCycle = state['lifeCycle'];
  if (!LIFE_CYCLE_STATES.includes(lifeCycle as LifeCycleState)) {
    throw new InvalidCardStateError(`unknown life-cycle state ${String(lifeCycle)}`);
  }
  const applications = state['applications'];
  if (typeof applications !== 'object' || applications === null)
    throw new InvalidCardStateError('applications missing');
  const carried = cardProfile(profile).applications;
  for (const name of Object.keys(applications)) {
    if (!isApplicationName(name) || !carried.includes(name)) {
      throw new InvalidCardStateError(`application ${name} is not on a ${profile} card`);
    }
  }
  const memory = blankMemory(profile, serial);
  memory.lifeCycle = lifeCycle as LifeCycleState;
  for (const [name, application] of memory.applications) {
    const entry = (applications as Record<string, unknown>)[name];
    if (entry !== undefined) restoreApplication(name, entry, application);
  }
  return memory;
}

export function parseSerial(value: unknown): Uint8Array {
  if (typeof value !== 'string' || !new RegExp(`^[0-9A-F]{${CARD_SERIAL_LENGTH * 2}}$`).test(value)) {
    throw new InvalidCardStateError(`serial must be ${CARD_SERIAL_LENGTH * 2} upper-case hex digits`);
  }
  return fromHex(value);
}

function restoreApplication(name: ApplicationName, value: unknown, memory: ApplicationMemory): void {
  const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const list = entry['files'];
  if (!Array.isArray(list)) throw new InvalidCardStateError(`${name}.files is not a list`);
  for (const item of list as unknown[]) {
    const file = parseFile(name, item);
    if (memory.files.has(file.fid) || memory.pins.has(file.fid) || memory.keys.has(file.fid))
      throw new InvalidCardStateError(`${name} has file ${formatFid(file.fid)} twice`);
    memory.files.set(file.fid, file);
  }
  for (const item of optionalList(name, entry['pins'], 'pins')) restorePin(name, item, memory);
  for (const item of optionalList(name, entry['keys'], 'keys')) restoreKey(name, item, memory);
}

function optionalList(name: string, value: unknown, field: string): Record<string, unknown>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidCardStateError(`${name}.${field} is not a list`);
  return value.map(
    (item) => (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>,
  );
}

function objectFid(name: string, value: unknown): number {
  if (typeof value !== 'string' || !/^[0-9A-F]{4}$/.test(value))
    throw new InvalidCardStateError(`${name}: bad fid ${String(value)}`);
  return parseInt(value, 16);
}

function restorePin(name: ApplicationName, item: Record<string, unknown>, memory: ApplicationMemory): void {
  const pin = memory.pins.get(objectFid(name, item['fid']));
  if (pin === undefined)
    throw new InvalidCardStateError(`${name}: no PIN object ${String(item['fid'])} in the profile`);
  const tries = item['triesLeft'];
  if (typeof tries !== 'number' || !Number.isInteger(tries) || tries < 0 || tries > pin.definition.maxTries)
    throw new InvalidCardStateError(`${name}/${formatFid(pin.fid)}: bad triesLeft`);
  const value = item['value'];
  if (value !== undefined && (typeof value !== 'string' || !/^([0-9A-F]{2})+$/.test(value)))
    throw new InvalidCardStateError(`${name}/${formatFid(pin.fid)}: bad value`);
  pin.value = value === undefined ? undefined : fromHex(value);
  pin.triesLeft = tries;
}

function restoreKey(name: ApplicationName, item: Record<string, unknown>, memory: ApplicationMemory): void {
  const key = memory.keys.get(objectFid(name, item['fid']));
  if (key === undefined)
    throw new InvalidCardStateError(`${name}: no key object ${String(item['fid'])} in the profile`);
  const { privateKey, publicKey } = item;
  if (privateKey === undefined && publicKey === undefined) return;
  if (typeof privateKey !== 'string' || typeof publicKey !== 'string' || !/^([0-9A-F]{2})+$/.test(publicKey))
    throw new InvalidCardStateError(`${name}/${formatFid(key.fid)}: bad key material`);
  try {
    const parsed = parsePublicKey(fromHex(publicKey));
    if (parsed.algorithm !== key.definition.algorithm)
      throw new InvalidCardStateError(`${name}/${formatFid(key.fid)}: wrong algorithm`);
    key.material = { privateKey: new Uint8Array(Buffer.from(privateKey, 'base64')), publicKey: parsed };
  } catch (error) {
    if (error instanceof MalformedPublicKeyError)
      throw new InvalidCardStateError(`${name}/${formatFid(key.fid)}: ${error.message}`);
    throw error;
  }
}

function parseFile(name: ApplicationName, value: unknown): ElementaryFile {
  const file = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const fidText = file['fid'];
  const fid = typeof fidText === 'string' && /^[0-9A-F]{4}$/.test(fidText) ? parseInt(fidText, 16) : NaN;
  if (!isUsableFid(fid)) throw new InvalidCardStateError(`${name}: bad fid ${String(fidText)}`);
  const readAccess = file['readAccess'];
  if (!isAccessCondition(readAccess)) throw new InvalidCardStateError(`${name}/${fidText}: bad readAccess`);
  const content =
    typeof file['content'] === 'string' ? new Uint8Array(Buffer.from(file['content'], 'base64')) : undefined;
  if (
    content === undefined ||
    content.length !== file['size'] ||
    content.length === 0 ||
    content.length > MAX_EF_SIZE
  ) {
    throw new InvalidCardStateError(`${name}/${fidText}: content does not match size`);
  }
  return new ElementaryFile(fid, readAccess, content);
}

/** A blank card's memory: every AP of the profile with its PIN and key objects unset, no files. */
export function blankMemory(profile: CardProfile, serial: Uint8Array): CardMemory {
  if (serial.length !== CARD_SERIAL_LENGTH) {
    throw new InvalidCardStateError(`serial must be ${CARD_SERIAL_LENGTH} bytes, got ${serial.length}`);
  }
  const definition = cardProfile(profile);
  const applications = new Map<ApplicationName, ApplicationMemory>(
    definition.applications.map((name) => {
      const layout = definition.layout[name];
      return [
        name,
        {
          files: new Map(),
          pins: new Map(layout.pins.map((pin) => [pin.fid, PinObject.blank(pin)])),
          keys: new Map(layout.keys.map((key) => [key.fid, new KeyObject(key, undefined)])),
        },
      ];
    }),
  );
  return { serial: serial.slice(), profile, lifeCycle: 'personalisation', applications };
}
