import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Logger } from 'pino';
import { isValidCardNumber } from '@mnc/domain-issuance';
import { isUniqueViolation } from '@mnc/persistence';
import {
  PkiError,
  type ApDataSignature,
  type CardCertificateSelector,
  type CardCertificateStatus,
  type CertificateAuthority,
  type CertificateStatus,
  type IssueCertificateRequest,
  type IssuedCertificate,
  type PublishedCa,
  type RevokeRequest,
  type SignApDataRequest,
} from '@mnc/pki-client';
import {
  defaultAlgorithm,
  issueCardCertificate,
  PkiRequestError,
  randomSerialNumber,
  serialHex,
  validatePublicKey,
  verifyProofOfPossession,
  type CardKeyPurpose,
  type RevocationReason,
  type RevocationSubReason,
  type SignatureAlgorithm,
} from '@mnc/pki-core';
import { DATA_SOURCE, ENVELOPE_CIPHER, LOGGER } from '@mnc/stage-runtime';
import type { EnvelopeCipher } from '@mnc/secure-store';
import { CaRegistry } from './ca-registry';
import { CrlPublisher } from './crl-publisher';
import { CardEntity, CertificateEntity } from './entities';
import {
  validateIssueRequest,
  validateRevokeRequest,
  validateSelector,
  validateSignApDataRequest,
} from './request-validation';

const certificateContext = (serial: string) => `pki:certificate:${serial}`;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/**
 * The CA itself, as the {@link CertificateAuthority} port: the HTTP controller calls it, and so can stages
 * hosted in the same process (the embedded mode). Refusals are {@link PkiError}s naming the field.
 * Logs carry card numbers, serials and purposes, never the subject's facts or the AP data.
 */
@Injectable()
export class PkiCertificateAuthority implements CertificateAuthority {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ENVELOPE_CIPHER) private readonly cipher: EnvelopeCipher,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly registry: CaRegistry,
    private readonly crls: CrlPublisher,
  ) {}

  async issueCertificate(raw: IssueCertificateRequest): Promise<IssuedCertificate> {
    const request = validateIssueRequest(raw);
    if (!isValidCardNumber(request.cardNumber))
      throw new PkiError('unknown-card', 'the card number is not a valid card number', 'cardNumber', 422);
    const algorithm = request.algorithm ?? defaultAlgorithm(request.cardProfile);
    const publicKey = translate(() =>
      validatePublicKey(new Uint8Array(Buffer.from(request.publicKey, 'base64')), algorithm),
    );
    const keyHash = createHash('sha256').update(publicKey).digest('hex');
    const popInput = {
      cardNumber: request.cardNumber,
      purpose: request.purpose,
      attemptId: request.attemptId,
      publicKey,
    };
    if (!verifyProofOfPossession(popInput, algorithm, new Uint8Array(Buffer.from(request.proof, 'base64'))))
      throw new PkiError(
        'proof-invalid',
        'the proof of possession does not verify with the public key',
        'proof',
        422,
      );

    const repeat = await this.sameAttempt(request.attemptId, request.purpose);
    if (repeat) return this.repeatOf(repeat, keyHash);

    const issuer = this.registry.issuing(algorithm, request.purpose);
    const serial = randomSerialNumber();
    const notBefore = new Date();
    const der = await issueCardCertificate(
      issuer,
      {
        purpose: request.purpose,
        cardProfile: request.cardProfile,
        cardNumber: request.cardNumber,
        publicKey,
        ...(request.subject ? { subject: request.subject } : {}),
        serialNumber: serial,
        notBefore,
        ...(request.cardExpiresAt ? { cardExpiresAt: new Date(request.cardExpiresAt) } : {}),
      },
      this.registry.points,
    );
    const serialNumber = serialHex(serial);
    const notAfter = readNotAfter(der);
    try {
      await this.dataSource.transaction(async (manager) => {
        await this.recordCard(manager, request.cardNumber, request.applicationId, request.cardProfile);
        await manager.insert(CertificateEntity, {
          serialNumber,
          caId: issuer.id,
          cardNumber: request.cardNumber,
          applicationId: request.applicationId,
          attemptId: request.attemptId,
          purpose: request.purpose,
          algorithm,
          state: 'good',
          notBefore,
          notAfter,
          publicKeySha256: keyHash,
          sealedCertificate: this.cipher.encrypt(der, certificateContext(serialNumber)),
          issuedAt: notBefore,
          revokedAt: null,
          reason: null,
          subReason: null,
          stateChangedAt: notBefore,
        });
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent request for the same attempt won: answer as a retry would be answered.
      const winner = await this.sameAttempt(request.attemptId, request.purpose);
      if (winner) return this.repeatOf(winner, keyHash);
      throw new PkiError(
        'live-certificate-exists',
        `card ${request.cardNumber} already has a live ${request.purpose} certificate; revoke it first`,
        'cardNumber',
        409,
      );
    }
    this.logger.info(
      { cardNumber: request.cardNumber, purpose: request.purpose, serialNumber, caId: issuer.id },
      'certificate issued',
    );
    return {
      serialNumber,
      purpose: request.purpose,
      algorithm,
      certificate: b64(der),
      chain: [issuer.certificate, ...issuer.chain].map(b64),
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
    };
  }

  async signApData(raw: SignApDataRequest): Promise<ApDataSignature> {
    const request = validateSignApDataRequest(raw);
    if (!isValidCardNumber(request.cardNumber))
      throw new PkiError('unknown-card', 'the card number is not a valid card number', 'cardNumber', 422);
    const algorithm = request.algorithm ?? defaultAlgorithm(request.cardProfile);
    const signer = this.registry.apDataSigner(algorithm);
    const signature = await signer.signer.sign(new Uint8Array(Buffer.from(request.data, 'base64')));
    this.logger.info({ cardNumber: request.cardNumber, label: request.label, algorithm }, 'AP data signed');
    return {
      algorithm,
      signature: b64(signature),
      signerCertificate: b64(signer.certificate),
      chain: signer.chain.map(b64),
    };
  }

  async revoke(raw: RevokeRequest): Promise<CardCertificateStatus> {
    const request = validateRevokeRequest(raw);
    return this.changeState(request, ['good', 'held'], {
      state: 'revoked',
      reason: request.reason,
      subReason: request.subReason ?? null,
    });
  }

  hold(raw: CardCertificateSelector): Promise<CardCertificateStatus> {
    return this.changeState(validateSelector(raw), ['good'], {
      state: 'held',
      reason: 'certificateHold',
      subReason: null,
    });
  }

  releaseHold(raw: CardCertificateSelector): Promise<CardCertificateStatus> {
    return this.changeState(validateSelector(raw), ['held'], {
      state: 'good',
      reason: null,
      subReason: null,
    });
  }

  async publishedCas(): Promise<readonly PublishedCa[]> {
    return this.registry.all().map((ca) => ({
      id: ca.id,
      role: ca.role,
      algorithm: ca.algorithm,
      certificate: Buffer.from(ca.certificate).toString('base64'),
      chain: ca.chain.map((c) => Buffer.from(c).toString('base64')),
    }));
  }

  async cardStatus(cardNumber: string): Promise<CardCertificateStatus> {
    const card = await this.dataSource.getRepository(CardEntity).findOneBy({ cardNumber });
    if (!card)
      throw new PkiError('unknown-card', `the CA never issued to card ${cardNumber}`, 'cardNumber', 404);
    const rows = await this.dataSource
      .getRepository(CertificateEntity)
      .find({ where: { cardNumber }, order: { issuedAt: 'ASC' } });
    return { cardNumber, applicationId: card.applicationId, certificates: rows.map(statusOf) };
  }

  /**
   * Moves the selected certificates of a card from one of `from` to the new state, then regenerates the
   * affected CAs' CRLs before answering, so the change is published by the time the caller hears of it.
   */
  private async changeState(
    selector: CardCertificateSelector,
    from: readonly CertificateEntity['state'][],
    to: {
      state: CertificateEntity['state'];
      reason: RevocationReason | null;
      subReason: RevocationSubReason | null;
    },
  ): Promise<CardCertificateStatus> {
    const card = await this.dataSource
      .getRepository(CardEntity)
      .findOneBy({ cardNumber: selector.cardNumber });
    if (!card)
      throw new PkiError(
        'unknown-card',
        `the CA never issued to card ${selector.cardNumber}`,
        'cardNumber',
        404,
      );
    const changed = (await this.dataSource.query(
      `UPDATE pki.certificates SET state = $2, reason = $3, sub_reason = $4,
         revoked_at = CASE WHEN $2 = 'good' THEN NULL ELSE now() END, state_changed_at = now()
       WHERE card_number = $1 AND state = ANY($5)
         AND ($6::text[] IS NULL OR purpose = ANY($6)) AND ($7::text IS NULL OR attempt_id = $7)
       RETURNING serial_number, ca_id`,
      [
        selector.cardNumber,
        to.state,
        to.reason,
        to.subReason,
        from,
        selector.purposes ?? null,
        selector.attemptId ?? null,
      ],
    )) as [{ serial_number: string; ca_id: string }[], number];
    const rows = changed[0];
    for (const caId of new Set(rows.map((row) => row.ca_id))) await this.crls.regenerate(caId);
    if (rows.length > 0)
      this.logger.info(
        {
          cardNumber: selector.cardNumber,
          state: to.state,
          reason: to.reason,
          serialNumbers: rows.map((r) => r.serial_number),
        },
        'certificate state changed',
      );
    return this.cardStatus(selector.cardNumber);
  }

  private sameAttempt(attemptId: string, purpose: CardKeyPurpose): Promise<CertificateEntity | null> {
    return this.dataSource.getRepository(CertificateEntity).findOneBy({ attemptId, purpose });
  }

  /** A retry of an attempt that already has its certificate gets that certificate, if the key is the same. */
  private repeatOf(row: CertificateEntity, keyHash: string): IssuedCertificate {
    if (row.publicKeySha256 !== keyHash || row.state === 'revoked')
      throw new PkiError(
        'conflict',
        `attempt ${row.attemptId} already has a ${row.purpose} certificate for another key or a revoked one`,
        'attemptId',
        409,
      );
    const der = this.cipher.decrypt(row.sealedCertificate, certificateContext(row.serialNumber));
    const issuer = this.registry.get(row.caId)!;
    return {
      serialNumber: row.serialNumber,
      purpose: row.purpose as CardKeyPurpose,
      algorithm: row.algorithm as SignatureAlgorithm,
      certificate: b64(der),
      chain: [issuer.certificate, ...issuer.chain].map(b64),
      notBefore: row.notBefore.toISOString(),
      notAfter: row.notAfter.toISOString(),
    };
  }

  private async recordCard(
    manager: EntityManager,
    cardNumber: string,
    applicationId: string,
    cardProfile: string,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO pki.cards (card_number, application_id, card_profile, first_issued_at)
       VALUES ($1, $2, $3, now()) ON CONFLICT (card_number) DO NOTHING`,
      [cardNumber, applicationId, cardProfile],
    );
    const card = await manager.findOneByOrFail(CardEntity, { cardNumber });
    if (card.applicationId !== applicationId)
      throw new PkiError(
        'conflict',
        `card ${cardNumber} belongs to another application`,
        'applicationId',
        409,
      );
    if (card.cardProfile !== cardProfile)
      throw new PkiError(
        'conflict',
        `card ${cardNumber} was issued as ${card.cardProfile}`,
        'cardProfile',
        409,
      );
  }
}

function statusOf(row: CertificateEntity): CertificateStatus {
  return {
    serialNumber: row.serialNumber,
    purpose: row.purpose as CardKeyPurpose,
    algorithm: row.algorithm as SignatureAlgorithm,
    attemptId: row.attemptId,
    state: row.state,
    notBefore: row.notBefore.toISOString(),
    notAfter: row.notAfter.toISOString(),
    ...(row.revokedAt ? { revokedAt: row.revokedAt.toISOString() } : {}),
    ...(row.reason ? { reason: row.reason as RevocationReason } : {}),
    ...(row.subReason ? { subReason: row.subReason as RevocationSubReason } : {}),
  };
}

/** Core validation errors become the port's errors (422, naming the field). */
function translate<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof PkiRequestError) throw new PkiError(error.code, error.message, error.field, 422);
    throw error;
  }
}

function readNotAfter(der: Uint8Array): Date {
  return AsnConvert.parse(der, Certificate).tbsCertificate.validity.notAfter.getTime();
}
