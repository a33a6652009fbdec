// Spoiling an attempt at the CA: every certificate issued under the attempt id is revoked, and only those.
import { PkiError, type CertificateAuthority, type RevocationReason } from '@mnc/pki-client';

/**
 * Why a spoiled card's certificates are revoked: the card never reached its holder and its keys stop being
 * used (RFC 5280 cessationOfOperation), not a key compromise.
 */
export const SPOILED_CARD_REASON: Exclude<RevocationReason, 'certificateHold'> = 'cessationOfOperation';

export interface SpoilResult {
  /** Serial numbers of the attempt's certificates, all revoked now (whether by this call or an earlier one). */
  readonly revokedSerials: readonly string[];
}

/**
 * Revokes the certificates issued for one attempt (selected by attempt id). Idempotent: the CA only moves
 * live certificates, so a second call after a crash changes nothing; a card the CA never issued to (the
 * attempt failed before its first certificate) has nothing to revoke.
 */
export async function spoilAttempt(
  ca: Pick<CertificateAuthority, 'revoke'>,
  attempt: { readonly cardNumber: string; readonly attemptId: string },
): Promise<SpoilResult> {
  try {
    const status = await ca.revoke({
      cardNumber: attempt.cardNumber,
      attemptId: attempt.attemptId,
      reason: SPOILED_CARD_REASON,
    });
    const mine = status.certificates.filter((certificate) => certificate.attemptId === attempt.attemptId);
    const live = mine.filter((certificate) => certificate.state !== 'revoked');
    if (live.length > 0)
      throw new PkiError(
        'unexpected',
        `the CA left ${live.length} certificate(s) of attempt ${attempt.attemptId} live`,
      );
    return { revokedSerials: mine.map((certificate) => certificate.serialNumber) };
  } catch (error) {
    if (error instanceof PkiError && error.code === 'unknown-card') return { revokedSerials: [] };
    throw error;
  }
}
