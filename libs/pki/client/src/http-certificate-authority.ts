import type {
  PublishedCa,
  ApDataSignature,
  CardCertificateSelector,
  CardCertificateStatus,
  CertificateAuthority,
  IssueCertificateRequest,
  IssuedCertificate,
  PkiClientErrorCode,
  RevokeRequest,
  SignApDataRequest,
} from './types';
import { PkiError } from './types';

/** Problem types of the CA's HTTP API, mapped back to error codes. */
const PROBLEM_CODES: readonly PkiClientErrorCode[] = [
  'invalid-field',
  'public-key-malformed',
  'public-key-not-on-curve',
  'public-key-algorithm-mismatch',
  'proof-invalid',
  'live-certificate-exists',
  'unknown-card',
  'conflict',
  'not-found',
];

interface ProblemBody {
  readonly type?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly errors?: readonly { field?: string; code?: string }[];
}

/** The {@link CertificateAuthority} port over the CA's HTTP API (`PKI_URL`). */
export class HttpCertificateAuthority implements CertificateAuthority {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly options: { readonly timeoutMs?: number; readonly fetch?: typeof fetch } = {},
  ) {
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  }

  issueCertificate(request: IssueCertificateRequest): Promise<IssuedCertificate> {
    return this.call('POST', 'v1/certificates', request);
  }
  signApData(request: SignApDataRequest): Promise<ApDataSignature> {
    return this.call('POST', 'v1/ap-data-signatures', request);
  }
  revoke({ cardNumber, ...body }: RevokeRequest): Promise<CardCertificateStatus> {
    return this.call('POST', `v1/cards/${encodeURIComponent(cardNumber)}/revocations`, body);
  }
  hold({ cardNumber, ...body }: CardCertificateSelector): Promise<CardCertificateStatus> {
    return this.call('POST', `v1/cards/${encodeURIComponent(cardNumber)}/holds`, body);
  }
  releaseHold({ cardNumber, ...body }: CardCertificateSelector): Promise<CardCertificateStatus> {
    return this.call('POST', `v1/cards/${encodeURIComponent(cardNumber)}/hold-releases`, body);
  }
  cardStatus(cardNumber: string): Promise<CardCertificateStatus> {
    return this.call('GET', `v1/cards/${encodeURIComponent(cardNumber)}/certificates`);
  }
  publishedCas(): Promise<readonly PublishedCa[]> {
    return this.call('GET', 'v1/ca');
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const doFetch = this.options.fetch ?? fetch;
    let response: Response;
    try {
      response = await doFetch(new URL(path, this.baseUrl), {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new PkiError('unavailable', `the CA could not be reached: ${(error as Error).name}`);
    }
    if (response.ok) return (await response.json()) as T;
    const problem = (await response.json().catch(() => ({}))) as ProblemBody;
    if (response.status >= 500)
      throw new PkiError(
        'unavailable',
        problem.title ?? `the CA answered ${response.status}`,
        undefined,
        response.status,
      );
    const typeName = problem.type?.split('/').pop() ?? '';
    const code = PROBLEM_CODES.includes(typeName as PkiClientErrorCode)
      ? (typeName as PkiClientErrorCode)
      : problem.errors?.length
        ? 'invalid-field'
        : 'unexpected';
    throw new PkiError(
      code,
      problem.detail ?? problem.title ?? 'refused',
      problem.errors?.[0]?.field,
      response.status,
    );
  }
}
