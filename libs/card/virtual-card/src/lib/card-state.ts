// The card's persistent memory as JSON, so a card keeps its files between insertions and process restarts.
// Volatile state (selected AP, current EF, security state) is deliberately absent: a removed card loses it.
import { AccessCondition, isAccessCondition } from './access-condition';
import { ApplicationName, isApplicationName } from './applications';
import { fromHex, hex } from './bytes';
import { CardProfile, cardProfile, isCardProfile } from './card-profile';
import { CardMemory, LifeCycleState } from './card-runtime';
import { ElementaryFile, formatFid, isUsableFid, MAX_EF_SIZE } from './elementary-file';

export const CARD_STATE_FORMAT = 'mnc.virtual-card/1';
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

export interface VirtualCardState {
  readonly format: typeof CARD_STATE_FORMAT;
  /** Upper-case hex, CARD_SERIAL_LENGTH bytes. */
  readonly serial: string;
  readonly profile: CardProfile;
  readonly lifeCycle: LifeCycleState;
  readonly applications: {
    readonly [name in ApplicationName]?: { readonly files: readonly ElementaryFileState[] };
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
  const applications: { [name in ApplicationName]?: { files: ElementaryFileState[] } } = {};
  for (const [name, files] of memory.files) {
    applications[name] = {
      files: [...files.values()]
        .sort((a, b) => a.fid - b.fid)
        .map((file) => ({
          fid: formatFid(file.fid),
          size: file.size,
          readAccess: file.readAccess,
          content: Buffer.from(file.content).toString('base64'),
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
  if (state['format'] !== CARD_STATE_FORMAT)
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
  const files = new Map<ApplicationName, Map<number, ElementaryFile>>();
  for (const name of carried) {
    const entry = (applications as Record<string, unknown>)[name];
    files.set(name, entry === undefined ? new Map() : parseApplicationFiles(name, entry));
  }
  return { serial, profile, lifeCycle: lifeCycle as LifeCycleState, files };
}

export function parseSerial(value: unknown): Uint8Array {
  if (typeof value !== 'string' || !new RegExp(`^[0-9A-F]{${CARD_SERIAL_LENGTH * 2}}$`).test(value)) {
    throw new InvalidCardStateError(`serial must be ${CARD_SERIAL_LENGTH * 2} upper-case hex digits`);
  }
  return fromHex(value);
}

function parseApplicationFiles(name: ApplicationName, value: unknown): Map<number, ElementaryFile> {
  const list = (value as { files?: unknown } | null)?.files;
  if (!Array.isArray(list)) throw new InvalidCardStateError(`${name}.files is not a list`);
  const files = new Map<number, ElementaryFile>();
  for (const item of list as unknown[]) {
    const file = parseFile(name, item);
    if (files.has(file.fid)) throw new InvalidCardStateError(`${name} has file ${formatFid(file.fid)} twice`);
    files.set(file.fid, file);
  }
  return files;
}

function parseFile(name: ApplicationName, value: unknown): ElementaryFile {
  const file = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const fidText = file['fid'];
  const fid = typeof fidText === 'string' && /^[0-9A-F]{4}$/.test(fidText) ? parseInt(fidText, 16) : NaN;
  if (!isUsableFid(fid)) throw new InvalidCardStateError(`${name}: bad fid ${String(fidText)}`);
  if (!isAccessCondition(file['readAccess']))
    throw new InvalidCardStateError(`${name}/${fidText}: bad readAccess`);
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
  return new ElementaryFile(fid, { kind: file['readAccess'].kind }, content);
}

/** A blank card's memory: every AP of the profile present and empty, personalisation state. */
export function blankMemory(profile: CardProfile, serial: Uint8Array): CardMemory {
  if (serial.length !== CARD_SERIAL_LENGTH) {
    throw new InvalidCardStateError(`serial must be ${CARD_SERIAL_LENGTH} bytes, got ${serial.length}`);
  }
  const files = new Map<ApplicationName, Map<number, ElementaryFile>>(
    cardProfile(profile).applications.map((name) => [name, new Map()]),
  );
  return { serial: serial.slice(), profile, lifeCycle: 'personalisation', files };
}
