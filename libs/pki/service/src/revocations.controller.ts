import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE, validationProblem } from '@mnc/stage-runtime';
import { CertificateEntity } from './entities';

export interface RevocationView {
  readonly serialNumber: string;
  readonly caId: string;
  readonly cardNumber: string;
  readonly purpose: string;
  readonly status: 'revoked' | 'on-hold';
  /** RFC 5280 reason name (certificateHold for a hold). */
  readonly reason: string | null;
  readonly subReason: string | null;
  readonly at: string;
}

/** The most recent revocations and holds across every issuing CA, newest first (operators' view). */
@Controller('v1')
export class RevocationsController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Get('revocations')
  async recent(@Query('limit') limit = '50'): Promise<{ items: RevocationView[] }> {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 500)
      throw validationProblem([
        { field: 'query.limit', code: 'INVALID', message: 'An integer from 1 to 500.' },
      ]);
    const rows = await this.dataSource.manager
      .createQueryBuilder(CertificateEntity, 'c')
      .where('c.state IN (:...states)', { states: ['held', 'revoked'] })
      .orderBy('c.revokedAt', 'DESC')
      .addOrderBy('c.serialNumber', 'ASC')
      .limit(n)
      .getMany();
    return {
      items: rows.map((c) => ({
        serialNumber: c.serialNumber,
        caId: c.caId,
        cardNumber: c.cardNumber,
        purpose: c.purpose,
        status: c.state === 'held' ? 'on-hold' : 'revoked',
        reason: c.reason,
        subReason: c.subReason,
        at: (c.revokedAt ?? c.stateChangedAt).toISOString(),
      })),
    };
  }
}
