import { Inject, Injectable } from '@nestjs/common';
import type { PipelineConfig } from '@mnc/config';
import { openPersonalisationBundle } from '@mnc/contracts';
import { addBusinessDays } from '@mnc/domain-card-lifecycle';
import { EnvelopeCipher, type BlobStore } from '@mnc/secure-store';
import { BLOB_STORE, japanDate, PIPELINE_CONFIG } from '@mnc/stage-runtime';
import type { LetterRecord } from './card-setup.entity';
import { CardSetupEntity } from './card-setup.entity';
import type { CardEntity, IssuedCardEntity } from './entities';
import { CardLifecycleService, type Emit } from './card-lifecycle.service';
import {
  LetterFont,
  renderDeliveryNotice,
  renderPinLetter,
  renderPukLetter,
  type LetterRecipient,
} from './letters';
import { lettersFor, planSetup, type SetupInput } from './setup-rules';
import type { EntityManager } from 'typeorm';

/** The counter keeps an uncollected card this many business days after the notice. */
const COLLECTION_BUSINESS_DAYS = 60;

/** The setup could not run in this delivery: the other half of the join landed meanwhile. Transient. */
export class SetupRaceError extends Error {
  override readonly name = 'SetupRaceError';
  readonly code = 'SETUP_RACE';
}

/**
 * The bundle lacks a secret its card's letter prints (issuance generates the PUK for every next-gen card and
 * the initial PINs for every legacy card): a card whose holder could never learn them is not set up. Permanent.
 */
export class MissingLetterSecretError extends Error {
  override readonly name = 'MissingLetterSecretError';
  readonly code = 'MISSING_LETTER_SECRET';
  readonly permanent = true;
}

function secret<T>(value: T | undefined, what: string, cardId: string): T {
  if (value === undefined) throw new MissingLetterSecretError(`the bundle of card ${cardId} has no ${what}`);
  return value;
}

/**
 * Central pre-delivery setup. It needs two events: `issuance-data.generated` (card number, bundle) and
 * `card.encoded` (the physical card exists), which arrive on different topics in either order; whichever
 * arrives second completes the setup. Letters are rendered outside the transaction (`prepareLetters`) and
 * stored encrypted in the blob store.
 */
@Injectable()
export class SetupService {
  private readonly font: LetterFont;
  /** Opens personalisation bundles (sealed by issuance-data with the personalisation key). */
  private readonly personalisation: EnvelopeCipher;
  constructor(
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(PIPELINE_CONFIG) config: PipelineConfig,
    private readonly lifecycle: CardLifecycleService,
  ) {
    this.font = new LetterFont(config.letterFontPath);
    this.personalisation = new EnvelopeCipher({ current: config.personalisationKey });
  }

  async prepareLetters(card: SetupInput, issued: IssuedCardEntity): Promise<LetterRecord[]> {
    const wanted = lettersFor(card);
    if (!wanted.deliveryNotice && !wanted.pukLetter && !wanted.pinLetter) return [];
    const bundle = openPersonalisationBundle(
      await this.blobs.get(issued.bundle),
      this.personalisation,
      issued.cardId,
    );
    const applicant = bundle.applicant;
    const recipient: LetterRecipient = {
      name: `${applicant.familyName}\u3000${applicant.givenName}`,
      postalCode: applicant.address.postalCode,
      addressLines: [applicant.address.prefecture + applicant.address.municipality, applicant.address.line],
    };
    const common = {
      recipient,
      applicationId: card.applicationId,
      cardNumberTail: issued.cardNumber.slice(-4),
      issuedOn: issued.issuedOn,
    };
    const letters: LetterRecord[] = [];
    if (wanted.deliveryNotice) {
      const pdf = await renderDeliveryNotice(this.font, {
        ...common,
        municipalityCode: card.municipalityCode,
        collectBy: addBusinessDays(japanDate(), COLLECTION_BUSINESS_DAYS),
      });
      letters.push({
        kind: 'delivery-notice',
        pdf: await this.blobs.put(pdf, { mediaType: 'application/pdf' }),
        mailing: 'with-delivery-notice-post',
      });
    }
    if (wanted.pukLetter) {
      const puk = secret(bundle.puk, 'PUK', issued.cardId);
      const pdf = await renderPukLetter(this.font, { ...common, puk });
      letters.push({
        kind: 'puk-letter',
        pdf: await this.blobs.put(pdf, { mediaType: 'application/pdf' }),
        mailing: 'separate-from-card',
      });
    }
    if (wanted.pinLetter) {
      const pins = secret(bundle.initialPins, 'initial PINs', issued.cardId);
      const pdf = await renderPinLetter(this.font, { ...common, ...pins });
      letters.push({
        kind: 'pin-letter',
        pdf: await this.blobs.put(pdf, { mediaType: 'application/pdf' }),
        mailing: 'separate-from-card',
      });
    }
    return letters;
  }

  /** Registers the setup, moves the card to set-up (certificates held) and releases it for dispatch. */
  async complete(
    manager: EntityManager,
    emit: Emit,
    card: CardEntity,
    letters: LetterRecord[],
    eventId: string,
  ): Promise<void> {
    const plan = planSetup(card);
    await this.lifecycle.apply(manager, emit, card, ['set-up'], { eventId });
    await manager.insert(CardSetupEntity, {
      cardId: plan.cardId,
      applicationId: plan.applicationId,
      deliverTo: plan.deliverTo,
      activation: plan.activation,
      letters,
    });
    emit('card.ready-for-dispatch', plan);
  }
}
