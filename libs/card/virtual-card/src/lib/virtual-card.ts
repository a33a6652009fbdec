/**
 * A virtual My Number card: ISO 7816-4 command processing over an in-memory file system, no I/O.
 * Transports (vpcd, in-process) feed it command APDUs and power events; its holder persists `toState()`.
 *
 * Commands (CLA 00 = ISO 7816-4 interindustry; CLA 80 = this card's proprietary personalisation commands,
 * used only where ISO defines nothing; CREATE FILE is ISO's own and keeps CLA 00):
 *
 * | Command               | CLA INS P1 P2          | Data                          | Le     | Answers                                                                                      |
 * |-----------------------|------------------------|-------------------------------|--------|----------------------------------------------------------------------------------------------|
 * | SELECT AP             | 00 A4 04 0C (or P2=00) | AID                           | –      | 9000 (never FCI); unknown AID 6A82; no data 6700                                             |
 * | SELECT EF             | 00 A4 02 0C (or P2=00) | FID (2 bytes)                 | –      | 9000; no AP selected or unknown FID 6A82; Lc other than 2: 6700                              |
 * | READ BINARY           | 00 B0 P1 P2            | –                             | 1..64K | data+9000 (fewer bytes at end of file); P1<80: 15-bit offset in current EF, none 6986;       |
 * |                       |                        |                               |        | P1=80+SFI: offset P2, bad P1 6A86, unknown SFI 6A82; offset ≥ size 6B00; access never 6982   |
 * | UPDATE BINARY         | 00 D6 P1 P2            | bytes                         | –      | 9000; addressing as READ BINARY; operational 6982; offset ≥ size 6B00; past the end 6A84     |
 * | CREATE FILE           | 00 E0 00 00            | 62 L 83 02 FID 80 02 size     | –      | 9000, new EF becomes current; operational or no AP selected 6985; bad template, reserved FID |
 * |                       |                        |    86 01 access (00/FF)       |        | or size 0: 6A80; size > 32767 6A84; FID exists 6A89                                          |
 * | GET DATA (serial)     | 00 CA 01 01            | –                             | ≥ 8    | 8-byte serial+9000 (any state, no AP needed); Le < 8 6C08; other P1-P2 6A88                  |
 * | CLOSE PERSONALISATION | 80 F0 00 00            | –                             | –      | 9000, card becomes operational; already operational 6985                                     |
 *
 * For every command: inconsistent length fields, or a Lc/Le the command does not take: 6700; CLA other than
 * 00/80 (no secure messaging, no logical channels): 6E00; INS unknown for the CLA: 6D00; P1-P2 other than
 * listed: 6A86.
 *
 * Power-on, reset and power-off clear the volatile state (selected AP, current EF, security state). The card
 * answers APDUs whether or not it was powered on first: a transport that forgets to is not this model's
 * concern.
 */
import { CommandApdu, encodeResponseApdu, MalformedApduError, parseCommandApdu, ResponseApdu } from './apdu';
import { APPLICATIONS, ApplicationName } from './applications';
import { hex } from './bytes';
import { CardProfile, profileAtr } from './card-profile';
import {
  CardMemory,
  CardRuntime,
  CommandHandler,
  LifeCycleState,
  SelectedApplication,
  StatusWordError,
} from './card-runtime';
import { blankMemory, memoryToState, stateToMemory, VirtualCardState } from './card-state';
import { readBinary, updateBinary } from './commands/binary';
import { closePersonalisation } from './commands/close-personalisation';
import { createFile } from './commands/create-file';
import { getData } from './commands/get-data';
import { select } from './commands/select';
import { AccessCondition } from './access-condition';
import { formatFid } from './elementary-file';
import { SW } from './status-words';

export const CLA_INTERINDUSTRY = 0x00;
export const CLA_PROPRIETARY = 0x80;

export const INS = {
  SELECT: 0xa4,
  READ_BINARY: 0xb0,
  UPDATE_BINARY: 0xd6,
  CREATE_FILE: 0xe0,
  GET_DATA: 0xca,
  CLOSE_PERSONALISATION: 0xf0,
} as const;

const COMMANDS: ReadonlyMap<number, ReadonlyMap<number, CommandHandler>> = new Map([
  [
    CLA_INTERINDUSTRY,
    new Map<number, CommandHandler>([
      [INS.SELECT, select],
      [INS.READ_BINARY, readBinary],
      [INS.UPDATE_BINARY, updateBinary],
      [INS.CREATE_FILE, createFile],
      [INS.GET_DATA, getData],
    ]),
  ],
  [CLA_PROPRIETARY, new Map<number, CommandHandler>([[INS.CLOSE_PERSONALISATION, closePersonalisation]])],
]);

export interface ElementaryFileSummary {
  readonly fid: string;
  readonly size: number;
  readonly readAccess: AccessCondition;
}

export interface VirtualCardSummary {
  readonly serial: string;
  readonly profile: CardProfile;
  readonly lifeCycle: LifeCycleState;
  readonly applications: readonly {
    readonly name: ApplicationName;
    readonly aid: string;
    readonly files: readonly ElementaryFileSummary[];
  }[];
}

export type CardChangeListener = (card: VirtualCard) => void;

export class VirtualCard {
  private selected: SelectedApplication | undefined;
  private readonly changeListeners = new Set<CardChangeListener>();

  private constructor(private readonly memory: CardMemory) {}

  /** A new card as it leaves the card manufacturer: every AP of the profile, no files, personalisation state. */
  static blank(profile: CardProfile, serial: Uint8Array): VirtualCard {
    return new VirtualCard(blankMemory(profile, serial));
  }

  /** Rebuilds a card from `toState()` output, validating it (InvalidCardStateError); volatile state starts empty. */
  static fromState(state: unknown): VirtualCard {
    return new VirtualCard(stateToMemory(state));
  }

  /** Upper-case hex of the serial number GET DATA returns. */
  get serial(): string {
    return hex(this.memory.serial);
  }

  get profile(): CardProfile {
    return this.memory.profile;
  }

  get lifeCycle(): LifeCycleState {
    return this.memory.lifeCycle;
  }

  get atr(): Uint8Array {
    return profileAtr(this.memory.profile);
  }

  /** Cold start: clears the volatile state and answers the ATR. */
  powerOn(): Uint8Array {
    this.selected = undefined;
    return this.atr;
  }

  /** Warm reset: same effect on the card as a power cycle. */
  reset(): Uint8Array {
    return this.powerOn();
  }

  powerOff(): void {
    this.selected = undefined;
  }

  /** Processes one command APDU and returns the response APDU (data followed by SW1 SW2). */
  transmit(apdu: Uint8Array): Uint8Array {
    return encodeResponseApdu(this.process(apdu));
  }

  /**
   * Listens for changes to persistent memory (files, life-cycle state), called synchronously before the
   * response leaves `transmit`, so a holder that saves there never acknowledges an unsaved write.
   */
  onChange(listener: CardChangeListener): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  toState(): VirtualCardState {
    return memoryToState(this.memory);
  }

  toJSON(): VirtualCardState {
    return this.toState();
  }

  /** What is on the card without the contents: safe to show in a control API or a log. */
  summary(): VirtualCardSummary {
    return {
      serial: this.serial,
      profile: this.profile,
      lifeCycle: this.lifeCycle,
      applications: [...this.memory.files].map(([name, files]) => ({
        name,
        aid: APPLICATIONS[name].aid,
        files: [...files.values()]
          .sort((a, b) => a.fid - b.fid)
          .map((file) => ({ fid: formatFid(file.fid), size: file.size, readAccess: file.readAccess })),
      })),
    };
  }

  private process(apdu: Uint8Array): ResponseApdu {
    let command: CommandApdu;
    try {
      command = parseCommandApdu(apdu);
    } catch (error) {
      if (error instanceof MalformedApduError) return { data: new Uint8Array(0), sw: SW.WRONG_LENGTH };
      throw error;
    }
    const byIns = COMMANDS.get(command.cla);
    if (byIns === undefined) return { data: new Uint8Array(0), sw: SW.CLA_NOT_SUPPORTED };
    const handler = byIns.get(command.ins);
    if (handler === undefined) return { data: new Uint8Array(0), sw: SW.INS_NOT_SUPPORTED };

    const runtime = this.runtime();
    try {
      return handler(command, runtime);
    } catch (error) {
      if (error instanceof StatusWordError) return { data: new Uint8Array(0), sw: error.sw };
      throw error;
    } finally {
      this.selected = runtime.selected;
    }
  }

  private runtime(): CardRuntime {
    const notify = () => {
      for (const listener of this.changeListeners) listener(this);
    };
    return { memory: this.memory, selected: this.selected, persistentStateChanged: notify };
  }
}
