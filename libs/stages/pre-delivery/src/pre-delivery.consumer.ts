import { Inject, Injectable } from '@nestjs/common';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import type { EventEnvelope } from '@mnc/contracts';
import { catchUpTo, type CardState } from '@mnc/domain-card-lifecycle';
import { PermanentFailure, type EventHandlers, type HandlerContext } from '@mnc/messaging';
import { DATA_SOURCE, japanDate, type StageConsumer } from '@mnc/stage-runtime';
import type { LetterRecord } from './card-setup.entity';
import { CardLifecycleService } from './card-lifecycle.service';
import { CardEntity, IssuedCardEntity, ReplacementEntity, SlaClockEntity } from './entities';
import { SetupRaceError, SetupService } from './setup.service';

/** An event about a card this service never registered: nothing here can act on it, so it is parked. */
export class UnknownCardError extends PermanentFailure {
  constructor(what: string) {
    super('UNKNOWN_CARD', `no card for ${what}`);
  }
}

/**
 * Pre-delivery owns the card lifecycle. It sets up every card centrally (the join of issuance data and the
 * encoded card), follows delivery, the counter handover and the lost-card workflow, and keeps each
 * application's SLA clock. Every handler guards on the stored state, so a redelivery changes nothing.
 */
@Injectable()
export class PreDeliveryConsumer implements StageConsumer {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly setup: SetupService,
    private readonly lifecycle: CardLifecycleService,
  ) {}

  handlers(): EventHandlers {
    return {
      'application.submitted': async (event, { manager }) => {
        await manager
          .createQueryBuilder()
          .insert()
          .into(SlaClockEntity)
          .values({
            applicationId: event.data.applicationId,
            route: event.data.route,
            startedOn: japanDate(new Date(event.data.submittedAt)),
          })
          .orIgnore()
          .execute();
      },

      'issuance-data.generated': {
        prepare: async (event): Promise<LetterRecord[] | null> => {
          const card = await this.dataSource.manager.findOneBy(CardEntity, { cardId: event.data.cardId });
          if (!card || card.state !== 'encoded') return null;
          return this.setup.prepareLetters(card, this.issuedFrom(event));
        },
        apply: async (event, { manager, emit }, letters: LetterRecord[] | null) => {
          await this.serialiseSetup(manager, event.data.cardId);
          await manager
            .createQueryBuilder()
            .insert()
            .into(IssuedCardEntity)
            .values(this.issuedFrom(event))
            .orIgnore()
            .execute();
          const card = await this.lifecycle.lock(manager, { cardId: event.data.cardId });
          if (!card || card.state !== 'encoded') return; // the encoded card completes the setup
          if (!letters) throw new SetupRaceError('the card was encoded while its letters were prepared');
          await this.setup.complete(manager, emit, card, letters, event.id);
        },
      },

      'card.encoded': {
        prepare: async (event): Promise<LetterRecord[] | null> => {
          const issued = await this.dataSource.manager.findOneBy(IssuedCardEntity, {
            cardId: event.data.cardId,
          });
          return issued ? this.setup.prepareLetters(event.data, issued) : null;
        },
        apply: async (event, { manager, emit }, letters: LetterRecord[] | null) => {
          const { data } = event;
          await this.serialiseSetup(manager, data.cardId);
          await manager
            .createQueryBuilder()
            .insert()
            .into(CardEntity)
            .values({
              cardId: data.cardId,
              applicationId: data.applicationId,
              state: 'encoded',
              route: data.route,
              cardProfile: data.cardProfile,
              municipalityCode: data.municipalityCode,
              applicantRecord: data.applicantRecord,
              updatedAt: new Date(data.encodedAt),
            })
            .orIgnore()
            .execute();
          const card = (await this.lifecycle.lock(manager, { cardId: data.cardId }))!;
          if (card.state !== 'encoded') return; // already set up
          const issued = await manager.findOneBy(IssuedCardEntity, { cardId: data.cardId });
          if (!issued) return; // the issuance data completes the setup when it arrives
          if (!letters) throw new SetupRaceError('the issuance data arrived while the card was registered');
          await this.setup.complete(manager, emit, card, letters, event.id);
        },
      },

      'card.dispatched': async (event, context) => {
        await this.bringUpTo(context, event, { cardId: event.data.cardId }, 'dispatched');
      },

      'card.delivered': async (event, context) => {
        const card = await this.bringUpTo(context, event, { cardId: event.data.cardId }, 'delivered');
        await context.manager.update(
          SlaClockEntity,
          { applicationId: event.data.applicationId, stoppedOn: IsNull() },
          { stoppedOn: japanDate(new Date(event.data.deliveredAt)) },
        );
        // Restricted-delivery mail hands the card to its holder in person: that is the handover.
        if (card.route === 'express') await this.handOver(context, event, card);
      },

      'card.handed-over': async (event, context) => {
        const card = await this.lockOrFail(context.manager, { applicationId: event.data.applicationId });
        await this.handOver(context, event, card);
      },

      'shipment.tracking-updated': async (event, context) => {
        if (event.data.status !== 'returned-to-sender') return;
        const card = await this.lockOrFail(context.manager, { cardId: event.data.cardId });
        if (card.state === 'returned-to-sender') return;
        await this.lifecycle.apply(context.manager, context.emit, card, ['return-to-sender'], {
          eventId: event.id,
        });
      },

      'card.loss-reported': async (event, { manager, emit }) => {
        const card = await this.lockOrFail(manager, { applicationId: event.data.applicationId });
        if (card.state === 'suspended') return;
        await this.lifecycle.apply(manager, emit, card, ['report-lost'], { eventId: event.id });
        await manager
          .createQueryBuilder()
          .insert()
          .into(ReplacementEntity)
          .values({
            reissueApplicationId: event.data.reissueApplicationId,
            lostCardId: card.cardId,
            reportedAt: new Date(event.data.reportedAt),
          })
          .orIgnore()
          .execute();
        // A found report that overtook this loss report (another topic) restores the card at once.
        const [found] = (await manager.query(
          'SELECT event_id FROM pre_delivery.early_found_reports WHERE card_id = $1 AND reported_at >= $2',
          [card.cardId, event.data.reportedAt],
        )) as { event_id: string }[];
        if (found) {
          await manager.query('DELETE FROM pre_delivery.early_found_reports WHERE card_id = $1', [
            card.cardId,
          ]);
          const suspended = await this.lockOrFail(manager, { cardId: card.cardId });
          await this.lifecycle.apply(manager, emit, suspended, ['restore'], { eventId: found.event_id });
        }
      },

      'card.found-reported': async (event, { manager, emit }) => {
        const card = await this.lockOrFail(manager, { applicationId: event.data.applicationId });
        if (card.state === 'in-use') {
          // Intake emits the found report only after the loss report, but they travel on different topics:
          // a card in use with no loss on record has not seen its loss report yet. Keep the report for the
          // loss to find, or the late loss report would suspend a card its holder already has back.
          const lossSeen = await manager.existsBy(ReplacementEntity, { lostCardId: card.cardId });
          if (!lossSeen)
            await manager.query(
              `INSERT INTO pre_delivery.early_found_reports (card_id, event_id, reported_at)
               VALUES ($1, $2, $3) ON CONFLICT (card_id) DO NOTHING`,
              [card.cardId, event.id, event.data.reportedAt],
            );
          return;
        }
        await this.lifecycle.apply(manager, emit, card, ['restore'], { eventId: event.id });
      },

      'card.holder-deceased': async (event, { manager, emit }) => {
        const card = await this.lockOrFail(manager, { applicationId: event.data.applicationId });
        if (card.state === 'revoked') return;
        await this.lifecycle.apply(manager, emit, card, ['revoke'], {
          eventId: event.id,
          revocation: 'holder-deceased',
        });
      },
    };
  }

  /**
   * The two halves of the setup join insert different rows, so row locks cannot order them: under READ
   * COMMITTED each could miss the other's uncommitted insert and both would wait for ever. A transaction-scoped
   * advisory lock on the card makes the second wait for the first's commit, and then see its row.
   */
  private async serialiseSetup(manager: EntityManager, cardId: string): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `pre-delivery-setup:${cardId}`,
    ]);
  }

  private issuedFrom(event: EventEnvelope<'issuance-data.generated'>): IssuedCardEntity {
    return {
      cardId: event.data.cardId,
      applicationId: event.data.applicationId,
      cardNumber: event.data.cardNumber,
      issuedOn: event.data.issuedOn,
      expiresOn: event.data.expiresOn,
      bundle: event.data.bundle,
    };
  }

  private async lockOrFail(
    manager: EntityManager,
    where: { cardId: string } | { applicationId: string },
  ): Promise<CardEntity> {
    const card = await this.lifecycle.lock(manager, where);
    if (!card) throw new UnknownCardError(JSON.stringify(where));
    return card;
  }

  /** Brings the card along the delivery chain; an event for a state already passed changes nothing. */
  private async bringUpTo(
    { manager, emit }: HandlerContext,
    event: EventEnvelope,
    where: { cardId: string },
    target: 'dispatched' | 'delivered',
  ): Promise<CardEntity> {
    const card = await this.lockOrFail(manager, where);
    await this.lifecycle.apply(manager, emit, card, catchUpTo(card.state, target), { eventId: event.id });
    return card;
  }

  /**
   * The holder has the card: certificates are released. If the card replaces a lost one, the lost card's
   * certificates are revoked now: keyCompromise if it is still lost, superseded if it was found meanwhile.
   */
  private async handOver({ manager, emit }: HandlerContext, event: EventEnvelope, card: CardEntity) {
    await this.lifecycle.apply(manager, emit, card, catchUpTo(card.state, 'in-use'), { eventId: event.id });
    const replacement = await manager.findOneBy(ReplacementEntity, {
      reissueApplicationId: card.applicationId,
    });
    if (!replacement) return;
    const lost = (await this.lifecycle.lock(manager, { cardId: replacement.lostCardId }))!;
    const byState: Partial<Record<CardState, () => Promise<void>>> = {
      suspended: () =>
        this.lifecycle.apply(manager, emit, lost, ['declare-permanently-lost'], {
          eventId: event.id,
          revocation: 'lost-card-replaced',
          replacementCardId: card.cardId,
        }),
      'in-use': () =>
        this.lifecycle.apply(manager, emit, lost, ['revoke'], {
          eventId: event.id,
          revocation: 'found-card-replaced',
          replacementCardId: card.cardId,
        }),
    };
    await byState[lost.state]?.();
  }
}
