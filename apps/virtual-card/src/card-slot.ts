// The one reader slot this process feeds: which card is in it, where cards come from (blank or the state
// directory), and keeping every card's state file current.
import { randomBytes } from 'node:crypto';
import { VpcdConnection, VpcdUnreachableError } from '@mnc/pcsc';
import { CARD_SERIAL_LENGTH, CardProfile, hex, VirtualCard, VirtualCardSummary } from '@mnc/virtual-card';
import { CardStore } from './card-store';

export class CardNotFoundError extends Error {
  readonly code = 'CARD_NOT_FOUND' as const;
  constructor(readonly serial: string) {
    super(`no card ${serial} in the state directory`);
    this.name = 'CardNotFoundError';
  }
}

export interface InsertResult {
  readonly serial: string;
  /** Whether pcscd saw the card within the insert timeout; if not, the connection keeps trying. */
  readonly present: boolean;
}

export interface CardStateSummary extends VirtualCardSummary {
  readonly inserted: boolean;
}

export class CardSlot {
  /** Cards loaded in this process, so the in-memory card and its file never diverge. */
  private readonly cards = new Map<string, VirtualCard>();
  /** Inserts and ejects take turns: two requests racing must not leave two cards half-inserted. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: CardStore,
    private readonly vpcd: VpcdConnection,
    private readonly insertTimeoutMs: number,
    private readonly newSerial: () => Uint8Array = () => randomBytes(CARD_SERIAL_LENGTH),
  ) {}

  get insertedSerial(): string | undefined {
    return this.vpcd.card?.serial;
  }

  insertBlank(profile: CardProfile): Promise<InsertResult> {
    return this.inTurn(async () => {
      let serial = this.newSerial();
      while (this.store.exists(hex(serial))) serial = this.newSerial();
      const card = this.adopt(VirtualCard.blank(profile, serial, this.store.cardOptions));
      this.store.save(card);
      return this.put(card);
    });
  }

  insert(serial: string): Promise<InsertResult> {
    return this.inTurn(() => this.put(this.card(serial)));
  }

  eject(): Promise<string | undefined> {
    return this.inTurn(async () => {
      const serial = this.vpcd.card?.serial;
      await this.vpcd.eject();
      return serial;
    });
  }

  summary(serial: string): CardStateSummary {
    return { ...this.card(serial).summary(), inserted: this.vpcd.card?.serial === serial };
  }

  private card(serial: string): VirtualCard {
    const loaded = this.cards.get(serial);
    if (loaded !== undefined) return loaded;
    if (!this.store.exists(serial)) throw new CardNotFoundError(serial);
    return this.adopt(this.store.load(serial));
  }

  private adopt(card: VirtualCard): VirtualCard {
    this.cards.set(card.serial, card);
    card.onChange((changed) => this.store.save(changed));
    return card;
  }

  private async put(card: VirtualCard): Promise<InsertResult> {
    try {
      await this.vpcd.insert(card, this.insertTimeoutMs);
      return { serial: card.serial, present: true };
    } catch (error) {
      if (error instanceof VpcdUnreachableError) return { serial: card.serial, present: false };
      throw error;
    }
  }

  private inTurn<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.turn.then(operation);
    this.turn = result.catch(() => undefined);
    return result;
  }
}
