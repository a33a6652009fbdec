import type { TSchema } from '@sinclair/typebox';
import * as S from './api-schemas';

type Method = 'get' | 'post' | 'delete';

export interface ApiRoute {
  readonly method: Method;
  /** OpenAPI path template, e.g. `/v1/applications/{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: 'applications' | 'cards' | 'webhooks';
  readonly parameters?: readonly Record<string, unknown>[];
  readonly body?: TSchema;
  readonly multipart?: TSchema;
  readonly ok: { readonly status: number; readonly schema?: TSchema; readonly mediaType?: string };
  /** Error statuses besides 401 (every route) and 422. */
  readonly errors?: readonly number[];
}

const id = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', format: 'uuid' },
});
const query = (name: string, schema: Record<string, unknown>, description: string) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

/**
 * Every /v1 route with its shapes. A unit test checks this table against the controllers' routes, so the
 * document cannot leave one out or describe one that does not exist.
 */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/v1/applications',
    tag: 'applications',
    summary: 'Submit an application (any channel)',
    description:
      'Counter (identityCheck by a named official), online, paper (keyedBy), lost-card-reissue (express). JSON with the photo inline, or multipart/form-data with the parts application (JSON) and photo (file). An Idempotency-Key returns the first answer for a repeat (200). Names the print font cannot render are accepted as status in-review.',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', minLength: 8, maxLength: 200 },
      },
    ],
    body: S.SubmissionSchema,
    multipart: S.MultipartSubmissionSchema,
    ok: { status: 201, schema: S.ApplicationViewSchema },
    errors: [403, 409, 413, 415],
  },
  {
    method: 'get',
    path: '/v1/applications',
    tag: 'applications',
    summary: "List the client's applications, newest first",
    parameters: [
      query('municipalityCode', { type: 'string', pattern: '^[0-9]{6}$' }, 'One municipality of the client.'),
      query('status', { type: 'string' }, 'Only this status.'),
      query('before', { type: 'string', format: 'uuid' }, 'Keyset cursor: the last id of the previous page.'),
      query('limit', { type: 'integer', minimum: 1, maximum: 200 }, 'Page size (50).'),
    ],
    ok: { status: 200, schema: S.ApplicationListSchema },
    errors: [403],
  },
  {
    method: 'get',
    path: '/v1/applications/{id}',
    tag: 'applications',
    summary: 'Status and timeline of an application',
    parameters: [id('id', 'Application id.')],
    ok: { status: 200, schema: S.ApplicationViewSchema },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/applications/{id}/applicant',
    tag: 'applications',
    summary: "The applicant's personal data (audited)",
    parameters: [id('id', 'Application id.'), S.PurposeHeader],
    ok: { status: 200, schema: S.ApplicantRecordViewSchema },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/applications/{id}/photo',
    tag: 'applications',
    summary: "The applicant's photo (audited)",
    parameters: [id('id', 'Application id.'), S.PurposeHeader],
    ok: { status: 200, mediaType: 'image/*' },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/applications/{id}/cancellation',
    tag: 'applications',
    summary: 'Withdraw an application before a card record exists (application.cancelled)',
    parameters: [id('id', 'Application id.')],
    body: S.CancellationSchema,
    ok: { status: 200, schema: S.ApplicationViewSchema },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/v1/applications/{id}/review-decision',
    tag: 'applications',
    summary: 'Approve or cancel an application held in review',
    parameters: [id('id', 'Application id.')],
    body: S.ReviewDecisionSchema,
    ok: { status: 200, schema: S.ApplicationViewSchema },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/v1/applications/{id}/handover',
    tag: 'applications',
    summary: 'Record the counter handover of the card after an identity check (card.handed-over)',
    parameters: [id('id', 'Application id.')],
    body: S.HandoverSchema,
    ok: { status: 200, schema: S.ApplicationViewSchema },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/v1/cards/{cardId}/loss-report',
    tag: 'cards',
    summary: 'Report a card lost: express reissue application and card.loss-reported',
    description: 'A repeated report of the same card answers 200 with the reissue the first one created.',
    parameters: [id('cardId', 'Card id, as in the application view.')],
    body: S.LossReportSchema,
    ok: { status: 201, schema: S.LossReportResultSchema },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/v1/cards/{cardId}/found-report',
    tag: 'cards',
    summary: 'A card reported lost was found again (card.found-reported)',
    description: 'The express reissue goes on unless withdrawn. A repeated report changes nothing.',
    parameters: [id('cardId', 'Card id.')],
    body: S.LossReportSchema,
    ok: { status: 200, schema: S.ApplicationViewSchema },
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/v1/cards/{cardId}/holder-deceased',
    tag: 'cards',
    summary: "The holder died (card.holder-deceased): the card's certificates are revoked",
    parameters: [id('cardId', 'Card id.')],
    body: S.LossReportSchema,
    ok: { status: 200, schema: S.ApplicationViewSchema },
    errors: [404],
  },
  {
    method: 'post',
    path: '/v1/webhooks',
    tag: 'webhooks',
    summary: 'Register a webhook for status changes of one municipality',
    body: S.WebhookRegistrationSchema,
    ok: { status: 201, schema: S.WebhookCreatedSchema },
    errors: [403],
  },
  {
    method: 'get',
    path: '/v1/webhooks',
    tag: 'webhooks',
    summary: "The client's webhooks",
    ok: { status: 200, schema: S.WebhookListSchema },
  },
  {
    method: 'delete',
    path: '/v1/webhooks/{id}',
    tag: 'webhooks',
    summary: 'Disable a webhook',
    parameters: [id('id', 'Webhook id.')],
    ok: { status: 204 },
    errors: [404],
  },
  {
    method: 'get',
    path: '/v1/webhooks/{id}/deliveries',
    tag: 'webhooks',
    summary: 'Delivery log of a webhook',
    parameters: [
      id('id', 'Webhook id.'),
      query('limit', { type: 'integer', minimum: 1, maximum: 500 }, 'At most (100).'),
    ],
    ok: { status: 200, schema: S.DeliveryListSchema },
    errors: [404],
  },
];

const ERROR_TITLES: Record<number, string> = {
  401: 'No valid API key',
  403: 'Outside the client’s municipalities',
  404: 'Not found (or another municipality’s)',
  409: 'Conflict with the current state',
  413: 'Photo too large',
  415: 'Unsupported content type',
  422: 'Invalid fields (each named in errors[])',
};

/** Strips TypeBox's symbol keys and `$id`s: plain JSON Schema for the document. */
function plain(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema));
}

/** The OpenAPI 3.0 document of the /v1 API, built from {@link API_ROUTES} and the TypeBox schemas. */
export function openApiDocument(serverUrl?: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) {
    const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
    const responses: Record<string, unknown> = {
      [route.ok.status]: {
        description: 'OK',
        ...(route.ok.schema ? { content: { 'application/json': { schema: plain(route.ok.schema) } } } : {}),
        ...(route.ok.mediaType
          ? { content: { [route.ok.mediaType]: { schema: { type: 'string', format: 'binary' } } } }
          : {}),
      },
    };
    for (const status of [401, 422, ...(route.errors ?? [])]) {
      responses[status] = { description: ERROR_TITLES[status] ?? 'Error', content: problem };
    }
    const content: Record<string, unknown> = {};
    if (route.body) content['application/json'] = { schema: plain(route.body) };
    if (route.multipart) content['multipart/form-data'] = { schema: plain(route.multipart) };
    (paths[route.path] ??= {})[route.method] = {
      tags: [route.tag],
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      operationId: `${route.method}${route.path
        .replace(/[{}]/g, '')
        .replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/[^A-Za-z0-9]/g, '')}`,
      ...(route.parameters ? { parameters: route.parameters.map((p) => JSON.parse(JSON.stringify(p))) } : {}),
      ...(Object.keys(content).length > 0 ? { requestBody: { required: true, content } } : {}),
      responses,
      security: [{ apiKey: [] }],
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'My Number card intake API',
      version: '1',
      description:
        'One API for every intake channel of the My Number card: municipal counters, online self-service, paper forms keyed by operators, and express reissue after a lost card. See docs/api.md.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: [
      {
        name: 'applications',
        description: 'Submission, status, timeline, personal data (audited), handover.',
      },
      { name: 'cards', description: 'Loss and found reports, death notices.' },
      { name: 'webhooks', description: 'Signed status-change notifications and their delivery log.' },
    ],
    paths,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'The API key of a municipal system (MNC_API_CLIENTS).',
        },
      },
      schemas: { Problem: plain(S.ProblemSchema), StatusChanged: plain(S.StatusChangedSchema) },
    },
  };
}
