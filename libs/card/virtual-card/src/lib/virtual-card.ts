/**
 * A virtual My Number card: ISO 7816-4 command processing over an in-memory file system with PIN and key
 * objects, no I/O. Transports (vpcd, in-process) feed it command APDUs and power events; its holder
 * persists `toState()`. Which commands each profile answers, and how, is docs/apdu-spec.md; the
 * conformance suite in apps/virtual-card/src/conformance runs that document against this class.
 *
 * Power-on, reset and power-off clear the volatile state (selected AP, current EF, security state, pending
 * GET RESPONSE). The card answers APDUs whether or not it was powered on first: a transport that forgets
 * to is not this model's concern.
 */
import {
  APPLICATIONS,
  ApplicationName,
  AccessCondition,
  bytesRemaining,
  CardProfile,
  cardProfile,
  CommandApdu,
  encodeResponseApdu,
  hex,
  INS,
  MalformedApduError,
  parseCommandApdu,
  profileAtr,
  ResponseApdu,
  SW,
  CLA_INTERINDUSTRY,
  CLA_PROPRIETARY,
} from '@mnc/card-profiles';
import {
  CardMemory,
  CardRuntime,
  CommandHandler,
  LifeCycleState,
  refuse,
  SelectedApplication,
  StatusWordError,
  success,
} from './card-runtime';
import { blankMemory, memoryToState, stateToMemory, VirtualCardState } from './card-state';
import { readBinary, updateBinary } from './commands/binary';
import { closePersonalisation } from './commands/close-personalisation';
import { createFile } from './commands/create-file';
import { getData } from './commands/get-data';
import { generateAsymmetricKeyPair, internalAuthenticate, sign } from './commands/keys';
import { changeReferenceData, resetRetryCounter, verify } from './commands/reference-data';
import { select } from './commands/select';
import { formatFid } from './elementary-file';
import { generateKeyMaterial, type KeyGenerator } from './key-generation';

export { CLA_INTERINDUSTRY, CLA_PROPRIETARY, INS };

/** Every handler the card has, by "CLA INS" hex; a profile answers only those its definition lists. */
const HANDLERS: ReadonlyMap<string, CommandHandler> = new Map([
  ['00A4', select],
  ['00B0', readBinary],
  ['00D6', updateBinary],
  ['00E0', createFile],
  ['00CA', getData],
  ['0020', verify],
  ['0024', changeReferenceData],
  ['002C', resetRetryCounter],
  ['0047', generateAsymmetricKeyPair],
  ['0088', internalAuthenticate],
  ['802A', sign],
  ['80F0', closePersonalisation],
]);

const GET_RESPONSE_KEY = '00C0';

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
    /** PIN objects: whether set, tries left (never the value). */
    readonly pins: readonly { readonly fid: string; readonly set: boolean; readonly triesLeft: number }[];
    /** Key objects: whether generated (never the key). */
    readonly keys: readonly {
      readonly fid: string;
      readonly algorithm: string;
      readonly generated: boolean;
    }[];
  }[];
}

export type CardChangeListener = (card: VirtualCard) => void;

export interface VirtualCardOptions {
  /** How GENERATE KEY makes pairs; by default on demand, like a chip (an RsaKeyReserve makes it instant). */
  readonly generateKey?: KeyGenerator;
}

export class VirtualCard {
  private selected: SelectedApplication | undefined;
  /** Response bytes not yet fetched with GET RESPONSE; any other command discards them. */
  private pendingResponse: Uint8Array | undefined;
  private readonly changeListeners = new Set<CardChangeListener>();
  private readonly supported: ReadonlySet<string>;

  private constructor(
    private readonly memory: CardMemory,
    private readonly generateKey: KeyGenerator,
  ) {
    this.supported = new Set(cardProfile(memory.profile).commands);
  }

  /** A new card as it leaves the card manufacturer: every AP of the profile, no files, personalisation state. */
  static blank(profile: CardProfile, serial: Uint8Array, options: VirtualCardOptions = {}): VirtualCard {
    return new VirtualCard(blankMemory(profile, serial), options.generateKey ?? generateKeyMaterial);
  }

  /** Rebuilds a card from `toState()` output, validating it (InvalidCardStateError); volatile state starts empty. */
  static fromState(state: unknown, options: VirtualCardOptions = {}): VirtualCard {
    return new VirtualCard(stateToMemory(state), options.generateKey ?? generateKeyMaterial);
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
    this.clearVolatileState();
    return this.atr;
  }

  /** Warm reset: same effect on the card as a power cycle. */
  reset(): Uint8Array {
    return this.powerOn();
  }

  powerOff(): void {
    this.clearVolatileState();
  }

  /** Processes one command APDU and returns the response APDU (data followed by SW1 SW2). */
  transmit(apdu: Uint8Array): Uint8Array {
    return encodeResponseApdu(this.process(apdu));
  }

  /**
   * Listens for changes to persistent memory (files, PINs and their tries, keys, life-cycle state), called
   * synchronously before the response leaves `transmit`, so a holder that saves there never acknowledges
   * an unsaved write.
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

  /** What is on the card without contents, PIN values or keys: safe to show in a control API or a log. */
  summary(): VirtualCardSummary {
    return {
      serial: this.serial,
      profile: this.profile,
      lifeCycle: this.lifeCycle,
      applications: [...this.memory.applications].map(([name, ap]) => ({
        name,
        aid: APPLICATIONS[name].aid,
        files: [...ap.files.values()]
          .sort((a, b) => a.fid - b.fid)
          .map((file) => ({ fid: formatFid(file.fid), size: file.size, readAccess: file.readAccess })),
        pins: [...ap.pins.values()].map((pin) => ({
          fid: formatFid(pin.fid),
          set: pin.value !== undefined,
          triesLeft: pin.triesLeft,
        })),
        keys: [...ap.keys.values()].map((key) => ({
          fid: formatFid(key.fid),
          algorithm: key.definition.algorithm,
          generated: key.material !== undefined,
        })),
      })),
    };
  }

  private clearVolatileState(): void {
    this.selected = undefined;
    this.pendingResponse = undefined;
  }

  private process(apdu: Uint8Array): ResponseApdu {
    let command: CommandApdu;
    try {
      command = parseCommandApdu(apdu);
    } catch (error) {
      if (error instanceof MalformedApduError) return { data: new Uint8Array(0), sw: SW.WRONG_LENGTH };
      throw error;
    }
    if (command.cla !== CLA_INTERINDUSTRY && command.cla !== CLA_PROPRIETARY)
      return { data: new Uint8Array(0), sw: SW.CLA_NOT_SUPPORTED };
    const key = hex(Uint8Array.of(command.cla, command.ins));
    const pending = this.pendingResponse;
    this.pendingResponse = undefined;
    if (!this.supported.has(key)) return { data: new Uint8Array(0), sw: SW.INS_NOT_SUPPORTED };
    try {
      if (key === GET_RESPONSE_KEY) return this.chain(getResponse(command, pending), command.ne);
      const handler = HANDLERS.get(key);
      if (handler === undefined) return refuse(SW.INS_NOT_SUPPORTED);
      const runtime = this.runtime();
      try {
        return this.chain(handler(command, runtime), command.ne);
      } finally {
        this.selected = runtime.selected;
      }
    } catch (error) {
      if (error instanceof StatusWordError) return { data: new Uint8Array(0), sw: error.sw };
      throw error;
    }
  }

  /** An answer longer than Ne goes out in parts: the first Ne bytes with 61xx, the rest by GET RESPONSE. */
  private chain(response: ResponseApdu, ne: number): ResponseApdu {
    if (response.sw !== SW.SUCCESS || ne === 0 || response.data.length <= ne) return response;
    this.pendingResponse = response.data.slice(ne);
    return { data: response.data.slice(0, ne), sw: bytesRemaining(this.pendingResponse.length) };
  }

  private runtime(): CardRuntime {
    const notify = () => {
      for (const listener of this.changeListeners) listener(this);
    };
    return {
      memory: this.memory,
      selected: this.selected,
      persistentStateChanged: notify,
      generateKey: this.generateKey,
    };
  }
}

/** GET RESPONSE 00 C0 00 00 Le: the rest of the previous command's answer. */
function getResponse(command: CommandApdu, pending: Uint8Array | undefined): ResponseApdu {
  if (command.p1 !== 0 || command.p2 !== 0) refuse(SW.INCORRECT_P1_P2);
  if (command.data.length > 0 || command.ne === 0) refuse(SW.WRONG_LENGTH);
  if (pending === undefined) refuse(SW.CONDITIONS_OF_USE_NOT_SATISFIED);
  return success(pending);
}
