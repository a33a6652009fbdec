// The state a command handler works on, split the way a chip splits it: persistent memory (EEPROM: files,
// life-cycle state, serial) that survives removal, and the volatile session (RAM: selected AP, current EF,
// security state) that power-off and reset clear.
import { CommandApdu, ResponseApdu } from './apdu';
import { ApplicationName } from './applications';
import { CardProfile } from './card-profile';
import { ElementaryFile } from './elementary-file';
import { SecurityState } from './security-state';
import { SW } from './status-words';

/** personalisation: blank card, files may be created and written. operational: issued, contents fixed. */
export type LifeCycleState = 'personalisation' | 'operational';

export interface CardMemory {
  readonly serial: Uint8Array;
  readonly profile: CardProfile;
  lifeCycle: LifeCycleState;
  /** EFs of each AP the profile carries, by FID. */
  readonly files: ReadonlyMap<ApplicationName, Map<number, ElementaryFile>>;
}

export interface SelectedApplication {
  readonly name: ApplicationName;
  readonly files: Map<number, ElementaryFile>;
  readonly security: SecurityState;
  currentEf?: ElementaryFile;
}

export interface CardRuntime {
  readonly memory: CardMemory;
  /** Undefined until an AP is selected (the card has no files at MF level). */
  selected?: SelectedApplication;
  /** Handlers call this after changing persistent memory, so the holder can save the card. */
  persistentStateChanged(): void;
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
