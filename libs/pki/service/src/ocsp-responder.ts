import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import {
  certIdMatchesIssuer,
  ocspErrorResponse,
  OcspRequestError,
  parseOcspRequest,
  serialHex,
  signOcspResponse,
  type OcspAnswer,
  type RevocationReason,
  type RevocationSubReason,
} from '@mnc/pki-core';
import { DATA_SOURCE, LOGGER } from '@mnc/stage-runtime';
import { CaRegistry } from './ca-registry';
import { VerifierEntity } from './entities';

/** How long a relying party may cache an answer. Short: a revocation should reach verifiers quickly. */
const RESPONSE_VALIDITY_MS = 10 * 60_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The OCSP responder (RFC 6960) for registered verifiers. Each answer is signed by the CA that issued the
 * certificate asked about (§4.2.2.2, no delegated responder certificate). A request for a CA this service
 * does not run is `unauthorized`; a serial number the CA never issued is `unknown`.
 */
@Injectable()
export class OcspResponder {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly registry: CaRegistry,
  ) {}

  /** Registers a relying party; the token is shown once and only its hash is kept. */
  async registerVerifier(name: string): Promise<{ id: string; name: string; token: string }> {
    const id = randomUUID();
    const token = randomBytes(32).toString('base64url');
    await this.dataSource
      .getRepository(VerifierEntity)
      .insert({ id, name, tokenSha256: sha256(token), createdAt: new Date() });
    this.logger.info({ verifierId: id }, 'OCSP verifier registered');
    return { id, name, token };
  }

  async isRegisteredVerifier(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    return (await this.dataSource.getRepository(VerifierEntity).countBy({ tokenSha256: sha256(token) })) > 0;
  }

  /** Answers a DER OCSPRequest with a DER OCSPResponse; never throws for a bad request. */
  async respond(requestDer: Uint8Array): Promise<Uint8Array> {
    let request;
    try {
      request = parseOcspRequest(requestDer);
    } catch (error) {
      if (error instanceof OcspRequestError) return ocspErrorResponse('malformedRequest');
      throw error;
    }
    const first = request.certIds[0]!;
    const responder = this.registry
      .crlIssuers()
      .find((ca) => certIdMatchesIssuer(first, ca.name, ca.signer.publicKey));
    if (!responder) return ocspErrorResponse('unauthorized');
    const answers: OcspAnswer[] = [];
    for (const certId of request.certIds) {
      if (!certIdMatchesIssuer(certId, responder.name, responder.signer.publicKey)) {
        answers.push({ certId, status: { status: 'unknown' } });
        continue;
      }
      const rows = (await this.dataSource.query(
        'SELECT state, revoked_at, reason, sub_reason FROM pki.certificates WHERE ca_id = $1 AND serial_number = $2',
        [responder.id, serialHex(certId.serialNumber)],
      )) as { state: string; revoked_at: Date | null; reason: string | null; sub_reason: string | null }[];
      const row = rows[0];
      if (!row) answers.push({ certId, status: { status: 'unknown' } });
      else if (row.state === 'good') answers.push({ certId, status: { status: 'good' } });
      else
        answers.push({
          certId,
          status: {
            status: 'revoked',
            revokedAt: row.revoked_at!,
            reason: row.reason as RevocationReason,
            ...(row.sub_reason ? { subReason: row.sub_reason as RevocationSubReason } : {}),
          },
        });
    }
    const now = new Date();
    return signOcspResponse({
      responder,
      answers,
      producedAt: now,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + RESPONSE_VALIDITY_MS),
      ...(request.nonce ? { nonce: request.nonce } : {}),
    });
  }
}
