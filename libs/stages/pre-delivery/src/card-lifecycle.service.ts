import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventType, PayloadOf } from '@mnc/contracts';
import {
  revocationReasonFor,
  transitionAll,
  type CardCommand,
  type RevocationCause,
  type RevocationReason,
} from '@mnc/domain-card-lifecycle';
import { recordCertificateStatus } from './certificate-status.port';
import { CardEntity, CardTransitionEntity } from './entities';

/** A consumer's emit, or a publisher's outside a consumer (awaited: it writes the outbox row). */
export type Emit = <T extends EventType>(type: T, data: PayloadOf<T>) => unknown;

export interface ApplyOptions {
  /** Why certificates are revoked, when a command revokes them. */
  readonly revocation?: RevocationCause;
  readonly replacementCardId?: string;
  readonly eventId?: string;
  readonly at?: Date;
}

/**
 * Moves a card through its lifecycle inside the caller's transaction. Every command is checked against the
 * state machine before anything is written, so a refused one leaves no trace; each accepted one is recorded,
 * announced as `card.lifecycle-changed`, and its certificate action is recorded for the CA in the same
 * transaction (`CertificateStatusRelay` sends it).
 */
@Injectable()
export class CardLifecycleService {
  /** The card row, locked for the rest of the transaction. */
  lock(manager: EntityManager, where: { cardId: string } | { applicationId: string }) {
    return manager.findOne(CardEntity, { where, lock: { mode: 'pessimistic_write' } });
  }

  async apply(
    manager: EntityManager,
    emit: Emit,
    card: CardEntity,
    commands: readonly CardCommand[],
    options: ApplyOptions = {},
  ): Promise<void> {
    if (commands.length === 0) return;
    const steps = transitionAll(card.state, commands);
    const at = options.at ?? new Date();
    for (const step of steps) {
      const certificate: RevocationReason | undefined =
        step.certificates === 'revoke'
          ? revocationReasonFor(options.revocation ?? 'lost-card-replaced')
          : step.certificates === 'hold'
            ? { reason: 'certificateHold' }
            : undefined;
      await manager.insert(CardTransitionEntity, {
        cardId: card.cardId,
        fromState: step.from,
        toState: step.to,
        command: step.command,
        certificateAction: step.certificates,
        certificateReason: certificate
          ? [certificate.reason, certificate.subReason].filter(Boolean).join('/')
          : null,
        eventId: options.eventId ?? null,
        changedAt: at,
      });
      if (step.certificates !== 'none') {
        await recordCertificateStatus(manager, {
          cardId: card.cardId,
          action: step.certificates,
          reason: certificate?.reason ?? 'unspecified',
          ...(certificate?.subReason ? { subReason: certificate.subReason } : {}),
        });
      }
      await emit('card.lifecycle-changed', {
        applicationId: card.applicationId,
        cardId: card.cardId,
        from: step.from,
        to: step.to,
        command: step.command,
        certificates: {
          action: step.certificates,
          ...(certificate ? { reason: certificate.reason } : {}),
          ...(certificate?.subReason ? { subReason: certificate.subReason } : {}),
        },
        ...(options.replacementCardId && step.certificates === 'revoke'
          ? { replacementCardId: options.replacementCardId }
          : {}),
        changedAt: at.toISOString(),
      });
    }
    const last = steps[steps.length - 1].to;
    await manager.update(CardEntity, { cardId: card.cardId }, { state: last, updatedAt: at });
    card.state = last;
    card.updatedAt = at;
  }
}
