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

// ---- photo screening: the review queue ----

export interface CheckResult {
  readonly code: string;
  readonly status: 'green' | 'amber' | 'red';
  readonly value?: number;
  readonly threshold?: string;
  readonly message?: string;
}
export interface Point {
  readonly x: number;
  readonly y: number;
}
export interface ReviewItem {
  readonly applicationId: string;
  readonly state: 'open' | 'claimed';
  readonly claimedBy?: string;
  readonly route?: 'normal' | 'express';
  readonly queuedAt: string;
  readonly image: { readonly width: number; readonly height: number };
  readonly face?: {
    readonly box: { x: number; y: number; width: number; height: number };
    readonly leftEye?: Point;
    readonly rightEye?: Point;
  };
  readonly checks: readonly CheckResult[];
}

export class PhotoReviewClient {
  constructor(readonly http: UpstreamHttp) {}
  queue(): Promise<Upstream<{ items: ReviewItem[] }>> {
    return this.http.request('GET', '/v1/reviews?state=open');
  }
  photo(applicationId: string): Promise<Upstream<{ bytes: Buffer; mediaType: string }>> {
    return this.http.request('GET', `/v1/reviews/${applicationId}/photo`, { as: 'bytes' });
  }
  claim(applicationId: string, reviewer: string): Promise<Upstream<ReviewItem>> {
    return this.http.request('POST', `/v1/reviews/${applicationId}/claim`, { body: { reviewer } });
  }
  approve(applicationId: string, reviewer: string): Promise<Upstream<unknown>> {
    return this.http.request('POST', `/v1/reviews/${applicationId}/approve`, { body: { reviewer } });
  }
  reject(
    applicationId: string,
    reviewer: string,
    reasons: { code: string; message: string }[],
  ): Promise<Upstream<unknown>> {
    return this.http.request('POST', `/v1/reviews/${applicationId}/reject`, { body: { reviewer, reasons } });
  }
}

// ---- encode lanes ----

export interface LaneStatus {
  readonly id: string;
  readonly pool?: string;
  readonly state: 'running' | 'pausing' | 'paused' | 'draining' | 'drained' | 'faulted' | 'stopped';
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

// ---- the CA ----

export interface RevocationEntry {
  readonly serialNumber: string;
  readonly cardId?: string;
  readonly status: 'revoked' | 'on-hold';
  readonly reason: string;
  readonly subReason?: string;
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

export class PkiClient {
  constructor(readonly http: UpstreamHttp) {}
  revocations(): Promise<Upstream<{ items: RevocationEntry[] }>> {
    return this.http.request('GET', '/v1/revocations?limit=50');
  }
  /** Fetches the CRL itself and reads its dates, so the age shown is the published CRL's, not a claim. */
  async crl(now: Date): Promise<Upstream<CrlStatus>> {
    const result = await this.http.request<{ bytes: Buffer; mediaType: string }>('GET', '/v1/crl', {
      as: 'bytes',
    });
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
