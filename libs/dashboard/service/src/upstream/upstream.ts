import { X509Crl } from '@peculiar/x509';

/**
 * Typed clients for the other services' HTTP APIs. The dashboard never fakes what a service does not
 * provide: a missing base URL or an endpoint the service does not expose comes back as `unavailable`, and
 * the page says so plainly. The expected endpoints are listed in docs/dashboard.md.
 */
export type Upstream<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly service: string;
      readonly reason: 'not-configured' | 'not-exposed' | 'unreachable' | 'refused' | 'failed';
      readonly detail: string;
      readonly status?: number;
    };

export class UpstreamHttp {
  constructor(
    readonly service: string,
    private readonly baseUrl: string | undefined,
    /** The configuration variable that sets `baseUrl`, named when it is missing. */
    private readonly variable: string,
    private readonly timeoutMs = 3000,
  ) {}

  get configured(): boolean {
    return this.baseUrl !== undefined;
  }

  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; as?: 'json' | 'bytes' } = {},
  ): Promise<Upstream<T>> {
    if (!this.baseUrl) {
      return {
        ok: false,
        service: this.service,
        reason: 'not-configured',
        detail: `${this.variable} is not set`,
      };
    }
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          accept: options.as === 'bytes' ? '*/*' : 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      return {
        ok: false,
        service: this.service,
        reason: 'unreachable',
        detail: error instanceof Error ? error.message : String(error),
      };
    }
    if ([404, 405, 501].includes(response.status) && !(await isResourceNotFound(response))) {
      return {
        ok: false,
        service: this.service,
        reason: 'not-exposed',
        status: response.status,
        detail: `${this.service} does not expose ${method} ${path.split('?')[0]} yet`,
      };
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      return {
        ok: false,
        service: this.service,
        reason: response.status < 500 ? 'refused' : 'failed',
        status: response.status,
        detail: problemDetail(text) ?? `HTTP ${response.status}`,
      };
    }
    if (options.as === 'bytes') {
      const bytes = Buffer.from(await response.arrayBuffer());
      return { ok: true, value: { bytes, mediaType: response.headers.get('content-type') ?? '' } as T };
    }
    if (response.status === 204) return { ok: true, value: undefined as T };
    return { ok: true, value: (await response.json()) as T };
  }
}

/** A 404 that names a missing resource (problem type not-found with a detail) rather than a missing route. */
async function isResourceNotFound(response: Response): Promise<boolean> {
  if (response.status !== 404) return false;
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  try {
    const body = JSON.parse(text) as { type?: string; detail?: string };
    return (
      typeof body.type === 'string' &&
      body.type.endsWith('/not-found') &&
      !/^Cannot (GET|POST)/.test(body.detail ?? '')
    );
  } catch {
    return false;
  }
}

function problemDetail(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { detail?: string; title?: string };
    return body.detail ?? body.title;
  } catch {
    return undefined;
  }
}

// ---- intake: personal data on demand (the dashboard never stores it) ----

/** Intake's applicant record (`GET /v1/applications/{id}/applicant`); the my number comes masked. */
export interface PersonalData {
  readonly familyName: string;
  readonly givenName: string;
  readonly familyNameKana?: string;
  readonly givenNameKana?: string;
  readonly birthDate: string;
  readonly sex?: string;
  readonly address: {
    readonly prefecture: string;
    readonly municipality: string;
    readonly line: string;
    readonly postalCode?: string;
  };
  readonly myNumber?: string;
}

/** Intake's read purposes include `supervision`: the dashboard's reads; the operator's own reason is in the dashboard's audit log. */
export const INTAKE_READ_PURPOSE = 'supervision';

export class IntakeClient {
  constructor(
    readonly http: UpstreamHttp,
    private readonly apiKey: string | undefined,
  ) {}
  personalData(applicationId: string, operator: string, reason: string): Promise<Upstream<PersonalData>> {
    return this.http.request('GET', `/v1/applications/${applicationId}/applicant`, {
      headers: {
        'x-purpose': INTAKE_READ_PURPOSE,
        'x-operator': operator,
        'x-disclosure-reason': encodeURIComponent(reason),
        ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
      },
    });
  }
}

// ---- photo screening: the review queue (`/v1/photo-reviews`, docs/photo-screening.md) ----

/** Photo screening's header naming the reviewer; the dashboard sets it after its own role check. */
export const REVIEWER_HEADER = 'x-reviewer-id';
/** What photo screening accepts as a reviewer id. */
const REVIEWER_ID = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The reviewer id sent for an operator: `<via>.<name>`, or undefined when the name does not fit. */
export function reviewerId(via: string, name: string): string | undefined {
  const id = `${via}.${name}`;
  return REVIEWER_ID.test(id) ? id : undefined;
}

export type ReviewState = 'waiting' | 'claimed' | 'approved' | 'rejected';
export interface ReviewCase {
  readonly applicationId: string;
  readonly kind: 'quality' | 'audit';
  readonly state: ReviewState;
  /** Why the photo went to a person (review reason codes). */
  readonly reasons: readonly { code: string; message: string }[];
  readonly claimedBy: string | null;
  readonly claimedAt: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly createdAt: string;
  readonly waitingSeconds: number | null;
}
/** The band a check is measured against: green between amberBelow and amberAbove, red beyond redBelow/redAbove. */
export interface CheckBand {
  readonly unit: string;
  readonly redBelow?: number;
  readonly amberBelow?: number;
  readonly amberAbove?: number;
  readonly redAbove?: number;
  readonly personOnly?: boolean;
}
export interface CheckResult {
  readonly check: string;
  readonly band: 'green' | 'amber' | 'red';
  readonly value: number | null;
  readonly unit: string;
  readonly rejection?: string;
  readonly review?: string;
  readonly threshold?: CheckBand;
}
export interface ReviewCaseDetail extends ReviewCase {
  readonly checks: readonly CheckResult[];
  readonly detector: string | null;
  readonly trail: readonly { action: string; actor: string; at: string; detail: unknown }[];
}
export type ReviewImage = 'source' | 'chip' | 'print';

export class PhotoReviewClient {
  constructor(readonly http: UpstreamHttp) {}
  private as(reviewer: string) {
    return { headers: { [REVIEWER_HEADER]: reviewer } };
  }
  queue(reviewer: string): Promise<Upstream<{ items: ReviewCase[] }>> {
    return this.http.request('GET', '/v1/photo-reviews?state=open&limit=100', this.as(reviewer));
  }
  detail(applicationId: string, reviewer: string): Promise<Upstream<ReviewCaseDetail>> {
    return this.http.request('GET', `/v1/photo-reviews/${applicationId}`, this.as(reviewer));
  }
  /** The photo as sent (`source`) or the chip / print image made from it; photo screening records the view. */
  image(
    applicationId: string,
    which: ReviewImage,
    reviewer: string,
  ): Promise<Upstream<{ bytes: Buffer; mediaType: string }>> {
    return this.http.request('GET', `/v1/photo-reviews/${applicationId}/images/${which}`, {
      ...this.as(reviewer),
      as: 'bytes',
    });
  }
  claim(applicationId: string, reviewer: string): Promise<Upstream<ReviewCase>> {
    return this.http.request('POST', `/v1/photo-reviews/${applicationId}/claim`, this.as(reviewer));
  }
  release(applicationId: string, reviewer: string): Promise<Upstream<ReviewCase>> {
    return this.http.request('POST', `/v1/photo-reviews/${applicationId}/release`, this.as(reviewer));
  }
  approve(applicationId: string, reviewer: string, note?: string): Promise<Upstream<ReviewCase>> {
    return this.http.request('POST', `/v1/photo-reviews/${applicationId}/approval`, {
      ...this.as(reviewer),
      body: note ? { note } : {},
    });
  }
  reject(
    applicationId: string,
    reviewer: string,
    codes: readonly string[],
    note?: string,
  ): Promise<Upstream<ReviewCase>> {
    return this.http.request('POST', `/v1/photo-reviews/${applicationId}/rejection`, {
      ...this.as(reviewer),
      body: { reasons: codes, ...(note ? { note } : {}) },
    });
  }
}

// ---- encode lanes ----

export interface LaneStatus {
  readonly id: string;
  readonly pool?: string;
  readonly state: 'running' | 'pausing' | 'paused' | 'draining' | 'faulted' | 'stopped';
  readonly currentCard?: {
    readonly applicationId: string;
    readonly cardId?: string;
    readonly attempt?: number;
    readonly startedAt?: string;
  };
  readonly cardsPerHour?: number;
  readonly spoilRate?: number;
  readonly reader?: {
    readonly name: string;
    readonly present: boolean;
    readonly healthy: boolean;
    readonly detail?: string;
  };
}
export interface CardFacePreview {
  readonly cardId: string;
  readonly applicationId: string;
  readonly encodedAt: string;
  /** Path on the lane's base URL of the front image (PNG or JPEG). */
  readonly front: string;
}
export type LaneCommand = 'pause' | 'drain' | 'resume';

export class LanesClient {
  readonly lanes: UpstreamHttp[];
  constructor(baseUrls: readonly string[]) {
    this.lanes =
      baseUrls.length > 0
        ? baseUrls.map((u) => new UpstreamHttp('encode-lane', u, 'ENCODE_LANE_URLS'))
        : [new UpstreamHttp('encode-lane', undefined, 'ENCODE_LANE_URLS')];
  }

  /** Every lane of every lane process; a process that fails is reported beside the others. */
  async list(): Promise<{
    lanes: (LaneStatus & { origin: number })[];
    problems: Extract<Upstream<never>, { ok: false }>[];
  }> {
    const results = await Promise.all(
      this.lanes.map((http) => http.request<{ lanes: LaneStatus[] }>('GET', '/v1/lanes')),
    );
    const lanes: (LaneStatus & { origin: number })[] = [];
    const problems: Extract<Upstream<never>, { ok: false }>[] = [];
    results.forEach((r, origin) => {
      if (r.ok) lanes.push(...r.value.lanes.map((l) => ({ ...l, origin })));
      else problems.push(r);
    });
    return { lanes, problems };
  }

  async command(laneId: string, command: LaneCommand, operator: string): Promise<Upstream<LaneStatus>> {
    const { lanes, problems } = await this.list();
    const lane = lanes.find((l) => l.id === laneId);
    if (!lane) {
      return (
        problems[0] ?? {
          ok: false,
          service: 'encode-lane',
          reason: 'refused',
          status: 404,
          detail: `no lane ${laneId}`,
        }
      );
    }
    return this.lanes[lane.origin].request('POST', `/v1/lanes/${encodeURIComponent(laneId)}/${command}`, {
      body: { operator },
    });
  }

  async cardFaces(laneId: string, origin: number): Promise<Upstream<{ items: CardFacePreview[] }>> {
    return this.lanes[origin].request('GET', `/v1/lanes/${encodeURIComponent(laneId)}/card-faces?limit=6`);
  }

  async cardFaceImage(origin: number, path: string): Promise<Upstream<{ bytes: Buffer; mediaType: string }>> {
    if (!path.startsWith('/v1/lanes/')) {
      return {
        ok: false,
        service: 'encode-lane',
        reason: 'refused',
        detail: 'card face path outside /v1/lanes',
      };
    }
    return this.lanes[origin].request('GET', path, { as: 'bytes' });
  }
}

// ---- the CA (docs/pki.md) ----

export interface RevocationEntry {
  readonly serialNumber: string;
  readonly caId: string;
  readonly cardNumber: string;
  readonly purpose: string;
  readonly status: 'revoked' | 'on-hold';
  /** RFC 5280 reason name; null for unspecified. */
  readonly reason: string | null;
  readonly subReason: string | null;
  readonly at: string;
}
export interface CrlStatus {
  readonly issuer: string;
  readonly thisUpdate: string;
  readonly nextUpdate?: string;
  readonly entries: number;
  readonly ageSeconds: number;
  readonly overdue: boolean;
}
export interface CaCrl {
  readonly caId: string;
  readonly role: string;
  readonly algorithm: string;
  readonly crl: Upstream<CrlStatus>;
}

export class PkiClient {
  constructor(readonly http: UpstreamHttp) {}
  revocations(): Promise<Upstream<{ items: RevocationEntry[] }>> {
    return this.http.request('GET', '/v1/revocations?limit=50');
  }
  /**
   * Every CA that publishes a CRL (roots and issuing CAs; the AP data signer issues no certificates) with
   * its latest CRL, fetched and parsed, so the age shown is the published CRL's, not a claim.
   */
  async crls(now: Date): Promise<Upstream<CaCrl[]>> {
    const cas = await this.http.request<{ id: string; role: string; algorithm: string }[]>('GET', '/v1/ca');
    if (!cas.ok) return cas;
    const publishing = cas.value.filter((ca) => ca.role !== 'ap-data-signer');
    const value = await Promise.all(
      publishing.map(async (ca) => ({
        caId: ca.id,
        role: ca.role,
        algorithm: ca.algorithm,
        crl: await this.crl(ca.id, now),
      })),
    );
    return { ok: true, value };
  }
  async crl(caId: string, now: Date): Promise<Upstream<CrlStatus>> {
    const result = await this.http.request<{ bytes: Buffer; mediaType: string }>(
      'GET',
      `/v1/crl/${encodeURIComponent(caId)}.crl`,
      { as: 'bytes' },
    );
    if (!result.ok) return result;
    try {
      return { ok: true, value: readCrl(result.value.bytes, now) };
    } catch (error) {
      return {
        ok: false,
        service: 'pki',
        reason: 'failed',
        detail: `the CRL does not parse: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}

/** The dates and size of a DER CRL, and its age at `now`; overdue once nextUpdate has passed. */
export function readCrl(der: Uint8Array, now: Date): CrlStatus {
  const crl = new X509Crl(new Uint8Array(der));
  const { thisUpdate, nextUpdate } = crl;
  return {
    issuer: crl.issuer,
    thisUpdate: thisUpdate.toISOString(),
    ...(nextUpdate ? { nextUpdate: nextUpdate.toISOString() } : {}),
    entries: crl.entries.length,
    ageSeconds: Math.round((now.getTime() - thisUpdate.getTime()) / 1000),
    overdue: nextUpdate ? nextUpdate.getTime() < now.getTime() : false,
  };
}
