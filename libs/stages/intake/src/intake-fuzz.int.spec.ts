import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { mulberry32 } from '@mnc/synthetic';
import {
  footprint,
  onlineSubmission,
  smallJpeg,
  startIntakeHarness,
  uuidv7,
  type IntakeHarness,
} from './testing/intake-harness';

/**
 * Fuzzing the running intake service over a real socket: at least 10,000 malformed requests (wrong types,
 * missing fields, oversized strings, bad Unicode, bad images, wrong content types, broken JSON and
 * multipart, bad headers, bad paths and queries) must each get a 4xx problem+json naming the offending
 * field, none a 5xx, and none may leave a row, an event or a blob behind.
 */
jest.setTimeout(240_000);

const REQUESTS = 10_000;
const CONCURRENCY = 16;

interface Case {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer | FormData;
  /** The field the problem must name (itself, a sub-field or its parent). */
  readonly field: string;
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

const WRONG_TYPES: readonly unknown[] = [42, -1.5, true, false, [], ['x'], {}, { a: 1 }];
const BAD_UNICODE = [
  '\u0000',
  '\u001b[31m',
  '\u202e',
  '\u200b',
  '\ue000',
  '\ud800',
  '\udfff',
  '\ufffd',
  '\uffff',
  '\ufeff',
  '\u{10fffd}',
];

/** Applicant paths with values that must each be refused, named at that path. */
function applicantMutations(rng: Rng): [string, unknown][] {
  const text = (max: number) =>
    (pick(rng, ['あ', '漢', 'A', 'ア']) as string).repeat(max + 1 + Math.floor(rng() * 400));
  const withBad = (base: string) => {
    const bad = pick(rng, BAD_UNICODE);
    const at = Math.floor(rng() * (base.length + 1));
    return base.slice(0, at) + bad + base.slice(at);
  };
  return [
    ['familyName', pick(rng, [...WRONG_TYPES, null, '', '   ', text(50), withBad('山田')])],
    ['givenName', pick(rng, [...WRONG_TYPES, null, '', text(50), withBad('花子')])],
    [
      'familyNameKana',
      pick(rng, [...WRONG_TYPES, null, 'やまだ', 'Yamada', '山田', 'ヤマ ダ', text(100), withBad('ヤマダ')]),
    ],
    ['givenNameKana', pick(rng, [...WRONG_TYPES, 'はなこ', 'ハナコ1', withBad('ハナコ')])],
    [
      'birthDate',
      pick(rng, [
        ...WRONG_TYPES,
        null,
        '1990-4-1',
        '19900401',
        '2023-02-29',
        '1990-13-01',
        '2999-01-01',
        '1850-01-01',
        withBad('1990-04-01'),
      ]),
    ],
    ['sex', pick(rng, [...WRONG_TYPES, null, 'M', 'F', '0', 1, 2, '3', withBad('1')])],
    ['address', pick(rng, [42, 'Tokyo', [], true])],
    ['address.prefecture', pick(rng, [...WRONG_TYPES, null, 'Atlantis', '東京', 'Tokyo', withBad('東京都')])],
    ['address.municipality', pick(rng, [...WRONG_TYPES, null, '', text(50), withBad('千代田区')])],
    ['address.line', pick(rng, [...WRONG_TYPES, null, '', text(200), withBad('架空町1丁目')])],
    [
      'address.postalCode',
      pick(rng, [...WRONG_TYPES, null, '100-0001', '100001', '10000011', 'abcdefg', 1000001]),
    ],
    [
      'localGovernmentCode',
      pick(rng, [...WRONG_TYPES, null, '131017', '13101', '1310160', '011002', 'abcdef', 131016]),
    ],
    [
      'myNumber',
      pick(rng, [
        ...WRONG_TYPES,
        null,
        '123456789012',
        '12345678901',
        '1234567890180',
        '12345678901a',
        123456789018,
      ]),
    ],
    ['alias', pick(rng, [42, 'alias', [], true])],
    ['alias.name', pick(rng, [42, [], '', text(50), withBad('通称')])],
    ['alias.kana', pick(rng, [42, 'つうしょう', withBad('ツウショウ')])],
    ['formerSurname.familyName', pick(rng, [42, '', text(50), withBad('旧姓')])],
    ['formerSurname.familyNameKana', pick(rng, [42, 'きゅうせい', withBad('キュウセイ')])],
    ['romaji', pick(rng, [42, 'KAKU HANAKO', [], true])],
    ['romaji.familyName', pick(rng, [42, 'kaku', 'KAKUU', 'KAKŪ', 'KA  KU', '', withBad('KAKU')])],
    ['passportSpelling.givenName', pick(rng, [42, 'Hanako', 'HANAKO!', '', withBad('HANAKO')])],
  ];
}

function setPath(target: Record<string, any>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null)
      node[part] =
        part === 'romaji' || part === 'passportSpelling'
          ? { familyName: 'KAKU', givenName: 'HANAKO' }
          : part === 'alias'
            ? { name: '通称', kana: 'ツウショウ' }
            : { familyName: '旧姓', familyNameKana: 'キュウセイ' };
    node = node[part];
  }
  node[parts.at(-1)!] = value;
}

/** A PNG whose header claims side×side pixels over a tiny body. */
function bombPng(side: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type), data]);
    const out = Buffer.alloc(data.length + 12);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc(typed), data.length + 8);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(side + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let intake: IntakeHarness;
let base: Record<string, any>;
let badImages: { name: string; bytes: Buffer }[];

beforeAll(async () => {
  intake = await startIntakeHarness('mnc_intake_fuzz_it');
  base = await onlineSubmission('A');
  const jpeg = await smallJpeg();
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
  badImages = [
    { name: 'gif', bytes: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1') },
    { name: 'text', bytes: Buffer.from('this is not an image') },
    { name: 'truncated-jpeg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)) },
    { name: 'magic-only-jpeg', bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]) },
    { name: 'magic-only-png', bytes: png.subarray(0, 12) },
    { name: 'bomb-png', bytes: bombPng(12_000) },
    { name: 'empty', bytes: Buffer.alloc(0) },
  ];
});
afterAll(async () => {
  await intake?.stop();
});

function generate(index: number, rng: Rng): Case {
  const key = intake.keys.A;
  const auth = { authorization: `Bearer ${key}` };
  const json = (body: unknown, field: string, kind: string, extra: Record<string, string> = {}): Case => ({
    kind,
    method: 'POST',
    path: '/v1/applications',
    headers: { ...auth, 'content-type': 'application/json', ...extra },
    body: JSON.stringify(body),
    field,
  });
  const clone = () => structuredClone(base);
  const roll = rng();
  if (roll < 0.45) {
    const [path, value] = pick(rng, applicantMutations(rng));
    const body = clone();
    setPath(body['applicant'], path, value);
    return json(body, `applicant.${path}`, `applicant.${path}`);
  }
  if (roll < 0.5) {
    // A required applicant field missing.
    const path = pick(rng, [
      'familyName',
      'givenName',
      'familyNameKana',
      'givenNameKana',
      'birthDate',
      'sex',
      'address',
      'address.prefecture',
      'address.municipality',
      'address.line',
      'address.postalCode',
      'localGovernmentCode',
      'myNumber',
    ]);
    const body = clone();
    const parts = path.split('.');
    const parent = parts.length === 2 ? body['applicant'][parts[0]!] : body['applicant'];
    delete parent[parts.at(-1)!];
    return json(body, `applicant.${path}`, 'applicant.missing');
  }
  if (roll < 0.6) {
    const body = clone();
    const which = pick(rng, [
      'channel',
      'route',
      'cardProfile',
      'applicant',
      'photo',
      'identityCheck',
      'keyedBy',
      'lost-card-route',
    ]);
    if (which === 'identityCheck') {
      body['channel'] = 'counter';
      const value = pick(rng, [
        undefined,
        42,
        'staff',
        {},
        { officialId: 'bad id!' },
        { officialId: 'ok-1', officialName: '' },
        { officialId: 'ok-1', officialName: '窓口', document: 'library-card' },
      ]);
      if (value !== undefined) body['identityCheck'] = value;
      return json(body, 'identityCheck', 'identityCheck');
    }
    if (which === 'keyedBy') {
      body['channel'] = 'paper';
      const value = pick(rng, [undefined, 7, {}, { officialId: '' }, { officialId: 'x'.repeat(65) }]);
      if (value !== undefined) body['keyedBy'] = value;
      return json(body, 'keyedBy', 'keyedBy');
    }
    if (which === 'lost-card-route') {
      body['channel'] = 'lost-card-reissue';
      body['route'] = 'normal';
      return json(body, 'route', 'lost-card-route');
    }
    const value = pick(rng, [undefined, ...WRONG_TYPES, 'nonsense', 'ＯＮＬＩＮＥ', '']);
    if (value === undefined) delete body[which];
    else body[which] = value;
    // An absent cardProfile is allowed (next-gen): give it a wrong value instead.
    if (which === 'cardProfile' && value === undefined) body[which] = 'rsa-1024';
    return json(body, which, `top.${which}`);
  }
  if (roll < 0.72) {
    const body = clone();
    const variant = pick(rng, ['not-base64', 'number', 'image', 'image', 'image', 'mismatch', 'photo-type']);
    if (variant === 'not-base64')
      body['photo'] = { data: pick(rng, ['!!!!', 'data:image/jpeg;base64,AAAA', 'ab cd', '\u3042']) };
    else if (variant === 'number') body['photo'] = { data: pick(rng, [42, [], {}, null]) };
    else if (variant === 'mismatch') body['photo'] = { mediaType: 'image/png', data: base['photo'].data };
    else if (variant === 'photo-type') body['photo'] = pick(rng, ['photo.jpg', 42, [], true]);
    else body['photo'] = { data: pick(rng, badImages).bytes.toString('base64') };
    return json(body, 'photo', `photo.${variant}`);
  }
  if (roll < 0.78) {
    // Broken JSON, bodies that are not objects, invalid UTF-8 inside a name.
    const variant = pick(rng, [
      'truncated',
      'trailing-comma',
      'bad-escape',
      'not-object',
      'invalid-utf8',
      'empty-object',
    ]);
    const text = JSON.stringify(base);
    let body: string | Buffer;
    let field = 'body';
    if (variant === 'truncated') body = text.slice(0, Math.floor(rng() * (text.length - 2)) + 1);
    else if (variant === 'trailing-comma') body = text.replace(/}$/, ',}');
    else if (variant === 'bad-escape') body = text.replace('"online"', '"on\\xline"');
    else if (variant === 'not-object')
      body = pick(rng, ['42', '"text"', 'null', 'true', '[]', '[{"channel":"online"}]']);
    else if (variant === 'empty-object') {
      body = '{}';
      field = 'channel';
    } else {
      body = Buffer.from(text.replace('"架空"', '"\u0001MARK\u0001"'));
      const at = body.indexOf('\u0001MARK\u0001');
      body = Buffer.concat([body.subarray(0, at), Buffer.from([0xff, 0xfe, 0xc3]), body.subarray(at + 6)]);
      field = 'applicant.familyName';
    }
    // '[]' and '[{…}]' parse as JSON (strict mode allows arrays): the answer names the body as not an object.
    return {
      kind: `json.${variant}`,
      method: 'POST',
      path: '/v1/applications',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
      field,
    };
  }
  if (roll < 0.82) {
    const type = pick(rng, [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'image/jpeg',
      'application/octet-stream',
    ]);
    return {
      kind: `content-type.${type}`,
      method: 'POST',
      path: '/v1/applications',
      headers: { ...auth, 'content-type': type },
      body: type.includes('urlencoded') ? 'channel=online&route=normal' : JSON.stringify(base),
      field: 'header.Content-Type',
    };
  }
  if (roll < 0.87) {
    const form = new FormData();
    const variant = pick(rng, [
      'no-application',
      'application-not-json',
      'no-photo',
      'bad-photo',
      'bad-photo',
      'two-files',
      'bad-applicant',
    ]);
    const { photo: _inline, ...rest } = base;
    let field = 'photo';
    if (variant !== 'no-application')
      form.set(
        'application',
        variant === 'application-not-json'
          ? '{"channel": online'
          : JSON.stringify(
              variant === 'bad-applicant'
                ? { ...rest, applicant: { ...rest['applicant'], myNumber: '123456789012' } }
                : rest,
            ),
      );
    if (variant === 'no-application' || variant === 'application-not-json') field = 'application';
    if (variant === 'bad-applicant') field = 'applicant.myNumber';
    const image =
      variant === 'bad-photo'
        ? pick(rng, badImages).bytes
        : variant === 'bad-applicant'
          ? base['photo'] && Buffer.from(base['photo'].data, 'base64')
          : Buffer.from(base['photo'].data, 'base64');
    if (variant !== 'no-photo') form.set('photo', new Blob([image as Buffer]), 'face.jpg');
    if (variant === 'two-files') form.append('extra', new Blob([Buffer.from('x')]), 'x.txt');
    if (variant === 'bad-photo' && image.length === 0) field = 'photo';
    return {
      kind: `multipart.${variant}`,
      method: 'POST',
      path: '/v1/applications',
      headers: auth,
      body: form,
      field,
    };
  }
  if (roll < 0.9) {
    const variant = pick(rng, ['idempotency-short', 'idempotency-long', 'no-auth', 'bad-auth']);
    if (variant === 'idempotency-short')
      return json(base, 'header.Idempotency-Key', variant, { 'idempotency-key': 'short' });
    if (variant === 'idempotency-long')
      return json(base, 'header.Idempotency-Key', variant, { 'idempotency-key': 'k'.repeat(201) });
    return {
      kind: variant,
      method: 'POST',
      path: '/v1/applications',
      headers: {
        'content-type': 'application/json',
        ...(variant === 'bad-auth' ? { authorization: `Bearer ${'z'.repeat(40)}` } : {}),
      },
      body: JSON.stringify(base),
      field: 'header.Authorization',
    };
  }
  // Other routes: bad ids, queries, headers and bodies.
  const id = uuidv7();
  const other = pick(rng, [
    'get-bad-id',
    'list-query',
    'applicant-no-purpose',
    'photo-bad-purpose',
    'cancel',
    'review',
    'handover',
    'loss',
    'webhook',
    'deliveries',
  ]);
  const post = (path: string, body: unknown, field: string): Case => ({
    kind: `route.${other}`,
    method: 'POST',
    path,
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    field,
  });
  switch (other) {
    case 'get-bad-id':
      return {
        kind: other,
        method: 'GET',
        path: `/v1/applications/${pick(rng, ['123', 'not-a-uuid', `${id}x`, encodeURIComponent('../../etc')])}`,
        headers: auth,
        field: 'path.id',
      };
    case 'list-query': {
      const [name, value] = pick(rng, [
        ['limit', '0'],
        ['limit', '201'],
        ['limit', 'ten'],
        ['status', 'lost'],
        ['before', 'x'],
        ['municipalityCode', '12345'],
      ] as const);
      return {
        kind: other,
        method: 'GET',
        path: `/v1/applications?${name}=${value}`,
        headers: auth,
        field: `query.${name}`,
      };
    }
    case 'applicant-no-purpose':
      return {
        kind: other,
        method: 'GET',
        path: `/v1/applications/${id}/applicant`,
        headers: auth,
        field: 'header.X-Purpose',
      };
    case 'photo-bad-purpose':
      return {
        kind: other,
        method: 'GET',
        path: `/v1/applications/${id}/photo`,
        headers: { ...auth, 'x-purpose': pick(rng, ['curiosity', 'because', '']) },
        field: 'header.X-Purpose',
      };
    case 'cancel':
      return post(
        `/v1/applications/${id}/cancellation`,
        pick(rng, [{}, { reason: 42 }, { reason: '' }, { reason: 'x'.repeat(201) }, { reason: 'a\u0000b' }]),
        'reason',
      );
    case 'review': {
      const [body, field] = pick(rng, [
        [{}, 'decision'],
        [{ decision: 'maybe', officialId: 'r1' }, 'decision'],
        [{ decision: 'approve' }, 'officialId'],
        [{ decision: 'approve', officialId: 'bad id' }, 'officialId'],
      ] as const);
      return post(`/v1/applications/${id}/review-decision`, body, field);
    }
    case 'handover':
      return post(
        `/v1/applications/${id}/handover`,
        pick(rng, [{}, { identityCheck: 42 }, { identityCheck: { officialId: 'staff-1' } }]),
        'identityCheck',
      );
    case 'loss':
      return post(
        `/v1/cards/${id}/${pick(rng, ['loss-report', 'found-report', 'holder-deceased'])}`,
        pick(rng, [
          {},
          { reportedBy: 'me' },
          { reportedBy: { officialId: 'staff-1', officialName: '窓口', document: 'selfie' } },
        ]),
        'reportedBy',
      );
    case 'webhook': {
      const [body, field] = pick(rng, [
        [{}, 'url'],
        [{ url: 'ftp://x', municipalityCode: '131016' }, 'url'],
        [{ url: 'http://example.com/hook', municipalityCode: '131016' }, 'url'],
        [{ url: 'https://u:p@example.com', municipalityCode: '131016' }, 'url'],
        [{ url: 'https://example.com', municipalityCode: '13101' }, 'municipalityCode'],
      ] as const);
      return { ...post('/v1/webhooks', body, field), path: '/v1/webhooks' };
    }
    default:
      return {
        kind: other,
        method: 'GET',
        path: `/v1/webhooks/${pick(rng, ['x', '1'])}/deliveries`,
        headers: auth,
        field: 'path.id',
      };
  }
}

/** The field itself, a sub-field of it (applicant.alias → applicant.alias.kana) or its parent. */
const names = (errors: { field: string }[], field: string) =>
  errors.some((e) => e.field === field || e.field.startsWith(`${field}.`) || field.startsWith(`${e.field}.`));

describe('fuzzing the intake API', () => {
  it(`answers ${REQUESTS} malformed requests with 4xx problem+json naming the field, and writes nothing`, async () => {
    const before = await footprint(intake);
    const rng = mulberry32(20261128);
    const cases = Array.from({ length: REQUESTS }, (_, i) => generate(i, rng));
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < cases.length) {
          const c = cases[next++]!;
          const response = await fetch(`${intake.url}${c.path}`, {
            method: c.method,
            headers: c.headers,
            ...(c.body !== undefined ? { body: c.body } : {}),
          });
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          let problem: { errors?: { field: string }[] } = {};
          try {
            problem = JSON.parse(text) as typeof problem;
          } catch {
            // reported below
          }
          const ok =
            response.status >= 400 &&
            response.status < 500 &&
            (response.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
            Array.isArray(problem.errors) &&
            problem.errors.length > 0 &&
            problem.errors.every((e) => typeof e.field === 'string' && e.field.length > 0) &&
            names(problem.errors, c.field);
          if (!ok && failures.length < 25)
            failures.push(`${c.kind} → ${response.status} ${text.slice(0, 300)} (expected ${c.field})`);
        }
      }),
    );
    // Oversized bodies, once each kind: the JSON parser's limit, and the photo part's 10 MiB.
    const big = await fetch(`${intake.url}/v1/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${intake.keys.A}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...base,
        applicant: { ...base['applicant'], familyName: '山'.repeat(300_000) },
      }),
    });
    expect([big.status, ((await big.json()) as { errors: { field: string }[] }).errors[0]!.field]).toEqual([
      413,
      'body',
    ]);
    const form = new FormData();
    const { photo: _inline, ...rest } = base;
    form.set('application', JSON.stringify(rest));
    form.set('photo', new Blob([Buffer.alloc(10 * 1024 * 1024 + 1, 0xff)]), 'huge.jpg');
    const huge = await fetch(`${intake.url}/v1/applications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${intake.keys.A}` },
      body: form,
    });
    expect([huge.status, ((await huge.json()) as { errors: { field: string }[] }).errors[0]!.field]).toEqual([
      413,
      'photo',
    ]);

    const summary = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    console.log(`fuzz: ${REQUESTS} requests → ${summary}`);
    expect(failures).toEqual([]);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
    expect(await footprint(intake)).toEqual(before);
  });
});
