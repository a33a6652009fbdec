import type { DataSource } from 'typeorm';
import { PkiError, type CertificateAuthority, type RevokeRequest } from '@mnc/pki-client';
import type { CertificateStatusChange, CertificateStatusPort } from './certificate-status.port';

export class UnknownIssuedCardError extends Error {
  override readonly name = 'UnknownIssuedCardError';
}

/**
 * The certificate register's changes sent to the CA: hold, release or revoke every live certificate of the
 * card, found at the CA by its card number. Repeats are harmless: the CA answers a hold of a held card, or
 * a revocation of a revoked one, with the card's unchanged status.
 */
export class CaCertificateStatus implements CertificateStatusPort {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ca: CertificateAuthority,
  ) {}

  async apply(change: CertificateStatusChange): Promise<void> {
    const [card] = (await this.dataSource.query(
      'SELECT card_number FROM pre_delivery.issued_cards WHERE card_id = $1',
      [change.cardId],
    )) as { card_number: string }[];
    if (!card) throw new UnknownIssuedCardError(`no issued card ${change.cardId} in pre-delivery`);
    const cardNumber = card.card_number;
    try {
      if (change.action === 'hold') await this.ca.hold({ cardNumber });
      else if (change.action === 'release') await this.ca.releaseHold({ cardNumber });
      else
        await this.ca.revoke({
          cardNumber,
          reason: change.reason as RevokeRequest['reason'],
          ...(change.subReason ? { subReason: change.subReason } : {}),
        });
    } catch (error) {
      // A card the CA never certified (no JPKI certificates) has nothing to hold or revoke.
      if (error instanceof PkiError && error.code === 'not-found') return;
      throw error;
    }
  }
}
