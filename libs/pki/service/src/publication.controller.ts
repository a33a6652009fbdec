import type { Request, Response } from 'express';
import { Controller, Get, HttpCode, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { ProblemError } from '@mnc/stage-runtime';
import { CaRegistry } from './ca-registry';
import { CrlPublisher } from './crl-publisher';
import { OcspResponder } from './ocsp-responder';

const MAX_OCSP_REQUEST_BYTES = 64 * 1024;
const CA_ID = /^[a-z0-9-]{1,64}$/;

/**
 * What relying parties fetch: CA certificates (the AIA caIssuers URLs), CRLs (the CRL distribution points)
 * and the OCSP responder. CRLs and certificates are public; OCSP needs a registered verifier's bearer token.
 */
@Controller('v1')
export class PublicationController {
  constructor(
    private readonly registry: CaRegistry,
    private readonly crls: CrlPublisher,
    private readonly ocsp: OcspResponder,
  ) {}

  /** Every CA certificate this service runs, with its id, role and algorithm (the published keys). */
  @Get('ca')
  list(): { id: string; role: string; algorithm: string; certificate: string; chain: string[] }[] {
    return this.registry.all().map((ca) => ({
      id: ca.id,
      role: ca.role,
      algorithm: ca.algorithm,
      certificate: Buffer.from(ca.certificate).toString('base64'),
      chain: ca.chain.map((c) => Buffer.from(c).toString('base64')),
    }));
  }

  @Get('ca/:file')
  certificate(@Param('file') file: string, @Res() response: Response): void {
    const id = file.replace(/\.cer$/, '');
    const ca = CA_ID.test(id) ? this.registry.get(id) : undefined;
    if (!ca) throw new NotFoundException(`no CA ${id}`);
    response.type('application/pkix-cert').send(Buffer.from(ca.certificate));
  }

  @Get('crl/:file')
  async crl(@Param('file') file: string, @Res() response: Response): Promise<void> {
    const id = file.replace(/\.crl$/, '');
    const crl = CA_ID.test(id) ? await this.crls.latest(id) : null;
    if (!crl) throw new NotFoundException(`no CRL for ${id}`);
    response
      .type('application/pkix-crl')
      .set('Last-Modified', crl.thisUpdate.toUTCString())
      .set('Expires', crl.nextUpdate.toUTCString())
      .send(crl.der);
  }

  @Post('ocsp')
  @HttpCode(200)
  async ocspPost(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.authorise(request);
    if (!request.is('application/ocsp-request'))
      throw new ProblemError(415, 'unsupported-media-type', 'Send application/ocsp-request');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_OCSP_REQUEST_BYTES) throw new ProblemError(413, 'too-large', 'OCSP request too large');
      chunks.push(chunk);
    }
    this.send(response, await this.ocsp.respond(new Uint8Array(Buffer.concat(chunks))));
  }

  /** RFC 6960 Appendix A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}. */
  @Get('ocsp/*encoded')
  async ocspGet(
    @Param('encoded') encoded: string | string[],
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.authorise(request);
    const text = decodeURIComponent(Array.isArray(encoded) ? encoded.join('/') : encoded);
    this.send(response, await this.ocsp.respond(new Uint8Array(Buffer.from(text, 'base64'))));
  }

  private async authorise(request: Request): Promise<void> {
    const header = request.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!(await this.ocsp.isRegisteredVerifier(token)))
      throw new ProblemError(
        401,
        'unregistered-verifier',
        'The OCSP responder answers registered verifiers only',
      );
  }

  private send(response: Response, der: Uint8Array): void {
    response.type('application/ocsp-response').set('Cache-Control', 'no-store').send(Buffer.from(der));
  }
}
