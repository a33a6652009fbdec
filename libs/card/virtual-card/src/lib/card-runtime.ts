// The state a command handler works on, split the way a chip splits it: persistent memory (EEPROM: files,
// PIN and key objects, life-cycle state, serial) that survives removal, and the volatile session (RAM:
// selected AP, current EF, security state, a pending GET RESPONSE) that power-off and reset clear.
import { ApplicationName, CardProfile, CommandApdu, ResponseApdu, SW } from '@mnc/card-profiles';
import { KeyObject, PinObject } from './card-objects';
import { ElementaryFile } from './elementary-file';
import type { KeyGenerator } from './key-generation';
import { SecurityState } from './security-state';

/** personalisation: blank card, files may be created and written. operational: issued, contents fixed. */
export type LifeCycleState = 'personalisation' | 'operational';

export interface ApplicationMemory {
  /** Binary EFs, by FID. */
  readonly files: Map<number, ElementaryFile>;
  /** PIN objects the profile defines, by FID. */
  readonly pins: ReadonlyMap<number, PinObject>;
  /** Key objects the profile defines, by FID. */
  readonly keys: ReadonlyMap<number, KeyObject>;
}

export interface CardMemory {
  readonly serial: Uint8Array;
  readonly profile: CardProfile;
  lifeCycle: LifeCycleState;
  readonly applications: ReadonlyMap<ApplicationName, ApplicationMemory>;
}

export interface SelectedApplication {
  readonly name: ApplicationName;
  readonly memory: ApplicationMemory;
  readonly security: SecurityState;
  /** FID of the current EF: a binary EF, a PIN object or a key object. */
  currentFid?: number;
}

export interface CardRuntime {
  readonly memory: CardMemory;
  /** Undefined until an AP is selected (the card has no files at MF level). */
  selected?: SelectedApplication;
  /** Handlers call this after changing persistent memory, so the holder can save the card. */
  persistentStateChanged(): void;
  /** Makes a key pair on the card (GENERATE ASYMMETRIC KEY PAIR). */
  readonly generateKey: KeyGenerator;
}

export type CommandHandler = (command: CommandApdu, card: CardRuntime) => ResponseApdu;

/** Thrown by handlers to answer with a status word and no data; the dispatcher turns it into the response. */
export class StatusWordError extends Error {
  constructor(readonly sw: number) {
    super(`card answers ${sw.toString(16).toUpperCase().padStart(4, '0')}`);
    this.name = 'StatusWordError';
  }
}

export function refuse(sw: number): never {
  throw new StatusWordError(sw);
}

export function success(data: Uint8Array = new Uint8Array(0)): ResponseApdu {
  return { data, sw: SW.SUCCESS };
}

/**
 * P2 of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GENERATE, SIGN and INTERNAL AUTHENTICATE:
 * 80 = the current EF, 81..9E = the object with FID 0001..001E. Answers the FID in the selected AP.
 */
export function referencedFid(
  p2: number,
  card: CardRuntime,
): { application: SelectedApplication; fid: number } {
  if (p2 === 0x80) {
    const application = card.selected;
    if (application?.currentFid === undefined) refuse(SW.COMMAND_NOT_ALLOWED_NO_CURRENT_EF);
    return { application, fid: application.currentFid };
  }
  const fid = p2 & 0x1f;
  if ((p2 & 0xe0) !== 0x80 || fid === 0 || fid === 0x1f) refuse(SW.INCORRECT_P1_P2);
  if (card.selected === undefined) refuse(SW.REFERENCED_DATA_NOT_FOUND);
  return { application: card.selected, fid };
}

/** The PIN object a reference names; a binary EF or key there answers 6981, nothing there 6A88. */
export function referencedPin(
  p2: number,
  card: CardRuntime,
): { application: SelectedApplication; pin: PinObject } {
  const { application, fid } = referencedFid(p2, card);
  const pin = application.memory.pins.get(fid);
  if (pin !== undefined) return { application, pin };
  if (application.memory.files.has(fid) || application.memory.keys.has(fid))
    refuse(SW.COMMAND_INCOMPATIBLE_WITH_FILE_STRUCTURE);
  return refuse(SW.REFERENCED_DATA_NOT_FOUND);
}

export function referencedKey(
  p2: number,
  card: CardRuntime,
): { application: SelectedApplication; key: KeyObject } {
  const { application, fid } = referencedFid(p2, card);
  const key = application.memory.keys.get(fid);
  if (key !== undefined) return { application, key };
  if (application.memory.files.has(fid) || application.memory.pins.has(fid))
    refuse(SW.COMMAND_INCOMPATIBLE_WITH_FILE_STRUCTURE);
  return refuse(SW.REFERENCED_DATA_NOT_FOUND);
}
