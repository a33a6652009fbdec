import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import type { ApDataSignature, CardCertificateStatus, IssuedCertificate } from '@mnc/pki-client';
import { validationProblem } from '@mnc/stage-runtime';
import { OcspResponder } from './ocsp-responder';
import { PkiCertificateAuthority } from './pki-certificate-authority';
import { toProblem } from './problems';

async function refusing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toProblem(error);
  }
}

const withCard = (cardNumber: string, body: unknown) => ({
  ...(typeof body === 'object' && body !== null ? body : {}),
  cardNumber,
});

/** The CA's API for the pipeline's stages (the lane, issuance data) and operators. */
@Controller('v1')
export class PkiController {
  constructor(
    private readonly ca: PkiCertificateAuthority,
    private readonly ocsp: OcspResponder,
  ) {}

  @Post('certificates')
  issue(@Body() body: unknown): Promise<IssuedCertificate> {
    return refusing(() => this.ca.issueCertificate(body as never));
  }

  @Post('ap-data-signatures')
  @HttpCode(200)
  signApData(@Body() body: unknown): Promise<ApDataSignature> {
    return refusing(() => this.ca.signApData(body as never));
  }

  @Post('cards/:cardNumber/revocations')
  @HttpCode(200)
  revoke(@Param('cardNumber') cardNumber: string, @Body() body: unknown): Promise<CardCertificateStatus> {
    return refusing(() => this.ca.revoke(withCard(cardNumber, body) as never));
  }

  @Post('cards/:cardNumber/holds')
  @HttpCode(200)
  hold(@Param('cardNumber') cardNumber: string, @Body() body: unknown): Promise<CardCertificateStatus> {
    return refusing(() => this.ca.hold(withCard(cardNumber, body) as never));
  }

  @Post('cards/:cardNumber/hold-releases')
  @HttpCode(200)
  release(@Param('cardNumber') cardNumber: string, @Body() body: unknown): Promise<CardCertificateStatus> {
    return refusing(() => this.ca.releaseHold(withCard(cardNumber, body) as never));
  }

  @Get('cards/:cardNumber/certificates')
  status(@Param('cardNumber') cardNumber: string): Promise<CardCertificateStatus> {
    return refusing(() => this.ca.cardStatus(cardNumber));
  }

  /** Registers a relying party for the OCSP responder; the token is returned once. */
  @Post('verifiers')
  async registerVerifier(@Body() body: unknown): Promise<{ id: string; name: string; token: string }> {
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name.length === 0 || name.length > 200)
      throw validationProblem([
        { field: 'name', code: 'invalid', message: 'is required (1-200 characters)' },
      ]);
    return this.ocsp.registerVerifier(name);
  }
}
