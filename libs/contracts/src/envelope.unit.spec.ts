import { createHash } from 'node:crypto';
import {
  cloudEventType,
  ContractViolationError,
  createEvent,
  dataSchemaUri,
  decodeEvent,
  encodeEvent,
  EventCatalogue,
  EVENT_TYPES,
  type BlobRef,
  type EventType,
  type PayloadOf,
  type WireRecord,
} from './index';

// Fixtures are local: @mnc/testing depends on this library, so importing it here would be a cycle.
const APPLICATION_ID = '01936f2e-7c1a-7b3d-9e4f-5a6b7c8d9e0f';
const CARD_ID = '01936f2f-0000-7aaa-8bbb-0123456789ab';
const SHIPMENT_ID = '01936f30-1111-7ccc-9ddd-0123456789ab';

function ref(content: string, mediaType: string, size: number): BlobRef {
  return { hash: `sha256:${createHash('sha256').update(content).digest('hex')}`, size, mediaType };
}
const routing = {
  applicationId: APPLICATION_ID,
  route: 'normal' as const,
  cardProfile: 'legacy-rsa2048' as const,
  municipalityCode: '271004',
  applicantRecord: ref('applicant-record', 'application/vnd.mnc.applicant+json', 377),
};
const PAYLOADS: { [T in EventType]: PayloadOf<T> } = {
  'application.submitted': {
    ...routing,
    channel: 'counter',
    photo: ref('photo', 'image/jpeg', 51_200),
    submittedAt: '2026-04-01T09:15:30.123+09:00',
  },
  'application.cancelled': {
    applicationId: APPLICATION_ID,
    reason: 'Withdrawn by the applicant',
    cancelledAt: '2026-04-01T10:00:00Z',
  },
  'photo.accepted': {
    ...routing,
    photo: ref('photo', 'image/jpeg', 51_200),
    width: 480,
    height: 600,
    decision: 'reviewer',
  },
  'photo.rejected': {
    applicationId: APPLICATION_ID,
    reasons: [{ code: 'EYES_CLOSED', message: 'Both eyes must be open.' }],
    decision: 'automatic',
  },
  'photo.review-requested': {
    applicationId: APPLICATION_ID,
    reasons: [{ code: 'SHADOWS', message: 'The face is lit unevenly.' }],
    kind: 'quality',
  },
  'issuance-data.generated': {
    ...routing,
    cardId: CARD_ID,
    cardNumber: 'X1Y2Z3A4B5C6',
    issuedOn: '2026-04-02',
    expiresOn: '2036-04-01',
    bundle: ref('bundle', 'application/vnd.mnc.personalisation', 8_192),
  },
  'card.encoded': {
    ...routing,
    cardId: CARD_ID,
    chipSerial: '0123456789ABCDEF',
    lane: 'lane-2',
    attempt: 1,
    encodedAt: '2026-04-03T01:02:03Z',
  },
  'card.ready-for-dispatch': {
    ...routing,
    cardId: CARD_ID,
    deliverTo: 'municipality',
    activation: 'pending-delivery',
  },
  'card.dispatched': {
    applicationId: APPLICATION_ID,
    cardId: CARD_ID,
    shipmentId: SHIPMENT_ID,
    carrier: 'yamato',
    trackingNumber: '4455-6677-8899',
    dispatchedAt: '2026-04-04T08:00:00Z',
  },
  'card.delivered': {
    applicationId: APPLICATION_ID,
    cardId: CARD_ID,
    shipmentId: SHIPMENT_ID,
    deliveredAt: '2026-04-05T12:00:00Z',
  },
  'card.handed-over': {
    applicationId: APPLICATION_ID,
    municipalityCode: '271004',
    identityCheckedBy: 'staff-0042',
    handedOverAt: '2026-04-06T10:00:00+09:00',
  },
  'card.loss-reported': {
    applicationId: APPLICATION_ID,
    reissueApplicationId: '01936f31-2222-7ddd-8eee-0123456789ab',
    reportedAt: '2026-05-01T09:00:00Z',
  },
  'card.found-reported': { applicationId: APPLICATION_ID, reportedAt: '2026-05-02T09:00:00Z' },
  'card.holder-deceased': { applicationId: APPLICATION_ID, notifiedAt: '2026-06-01T09:00:00Z' },
  'card.lifecycle-changed': {
    applicationId: APPLICATION_ID,
    cardId: CARD_ID,
    from: 'suspended',
    to: 'permanently-lost',
    command: 'declare-permanently-lost',
    certificates: { action: 'revoke', reason: 'keyCompromise' },
    replacementCardId: '01936f32-3333-7eee-8fff-0123456789ab',
    changedAt: '2026-05-03T09:00:00Z',
  },
  'shipment.tracking-updated': {
    applicationId: APPLICATION_ID,
    cardId: CARD_ID,
    shipmentId: SHIPMENT_ID,
    trackingNumber: '4455-6677-8899',
    status: 'in-transit',
    at: '2026-04-04T12:00:00Z',
  },
};

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function wire(
  overrides: Partial<Omit<WireRecord, 'headers'>> & { headers?: Record<string, string | undefined> } = {},
) {
  const base = encodeEvent(createEvent('photo.accepted', '/mnc/photo-screening', PAYLOADS['photo.accepted']));
  return { ...base, ...overrides, headers: { ...base.headers, ...overrides.headers } };
}

function violation(fn: () => unknown): ContractViolationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ContractViolationError);
    return error as ContractViolationError;
  }
  throw new Error('expected a ContractViolationError, nothing was thrown');
}

describe('encodeEvent / decodeEvent round trip', () => {
  it.each(EVENT_TYPES)(
    'given a valid %s event, when encoded and decoded, then the envelope is unchanged',
    (type) => {
      const event = createEvent(type, `/mnc/${EventCatalogue[type].producer}`, PAYLOADS[type], {
        traceparent: TRACEPARENT,
        tracestate: 'mnc=1',
      });

      const record = encodeEvent(event);
      const decoded = decodeEvent({ ...record, value: Buffer.from(record.value) });

      expect(decoded).toEqual(event);
      expect(record.topic).toBe(EventCatalogue[type].topic);
      expect(record.key).toBe(APPLICATION_ID);
      expect(JSON.parse(record.value.toString('utf8'))).toEqual(PAYLOADS[type]);
    },
  );

  it('given an event, when encoded, then every CloudEvents attribute is a ce_ header in binary mode', () => {
    const event = createEvent('card.encoded', '/mnc/encode-lane', PAYLOADS['card.encoded'], {
      traceparent: TRACEPARENT,
    });

    const { headers } = encodeEvent(event);

    expect(headers).toEqual({
      ce_id: event.id,
      ce_type: 'jp.mynumbercard.card.encoded.v1',
      ce_source: '/mnc/encode-lane',
      ce_specversion: '1.0',
      ce_time: event.time,
      ce_subject: APPLICATION_ID,
      ce_dataschema: dataSchemaUri('card.encoded'),
      'content-type': 'application/json',
      traceparent: TRACEPARENT,
    });
  });

  it('given an event without trace context, when round-tripped, then no trace headers appear', () => {
    const record = encodeEvent(createEvent('card.delivered', '/mnc/delivery', PAYLOADS['card.delivered']));

    const decoded = decodeEvent(record);

    expect(record.headers).not.toHaveProperty('traceparent');
    expect(decoded).not.toHaveProperty('traceparent');
    expect(decoded).not.toHaveProperty('tracestate');
  });

  it('given a record with a null key (a client that drops keys), when decoded, then the subject still decides', () => {
    const decoded = decodeEvent({ ...wire(), key: null });

    expect(decoded.subject).toBe(APPLICATION_ID);
  });
});

describe('decodeEvent contract violations', () => {
  it.each(['ce_specversion', 'ce_type', 'ce_id', 'ce_source', 'ce_time', 'ce_subject'])(
    'given a record without %s, when decoded, then MISSING_HEADER names the header',
    (name) => {
      const error = violation(() => decodeEvent(wire({ headers: { [name]: undefined } })));

      expect(error.code).toBe('MISSING_HEADER');
      expect(error.details).toEqual([{ path: `headers/${name}`, message: 'required' }]);
    },
  );

  it('given a record with no headers at all (raw bytes), when decoded, then MISSING_HEADER', () => {
    const error = violation(() =>
      decodeEvent({ topic: 'mnc.photo.accepted.v1', key: 'k', value: Buffer.from('\x00\x01'), headers: {} }),
    );

    expect(error.code).toBe('MISSING_HEADER');
    expect(error.permanent).toBe(true);
  });

  it('given an empty header value, when decoded, then it counts as missing', () => {
    expect(violation(() => decodeEvent(wire({ headers: { ce_source: '' } }))).code).toBe('MISSING_HEADER');
  });

  it('given a ce_id that is not a UUID, when decoded, then SCHEMA_VIOLATION names the header', () => {
    const error = violation(() => decodeEvent(wire({ headers: { ce_id: 'not-a-uuid' } })));

    expect(error.code).toBe('SCHEMA_VIOLATION');
    expect(error.details).toEqual([{ path: 'headers/ce_id', message: 'must be a UUID' }]);
  });

  it('given an unknown ce_type, when decoded, then UNKNOWN_EVENT_TYPE', () => {
    const error = violation(() =>
      decodeEvent(wire({ headers: { ce_type: 'jp.mynumbercard.photo.accepted.v9' } })),
    );

    expect(error.code).toBe('UNKNOWN_EVENT_TYPE');
    expect(error.message).toContain('jp.mynumbercard.photo.accepted.v9');
  });

  it('given specversion 0.3, when decoded, then UNSUPPORTED_SPEC_VERSION', () => {
    expect(violation(() => decodeEvent(wire({ headers: { ce_specversion: '0.3' } }))).code).toBe(
      'UNSUPPORTED_SPEC_VERSION',
    );
  });

  it('given a valid event on another event type’s topic, when decoded, then TOPIC_MISMATCH', () => {
    const error = violation(() => decodeEvent(wire({ topic: EventCatalogue['photo.rejected'].topic })));

    expect(error.code).toBe('TOPIC_MISMATCH');
  });

  it.each([
    ['truncated JSON', Buffer.from('{"applicationId":')],
    ['binary garbage', Buffer.from([0xff, 0xfe, 0x00, 0x01])],
    ['an empty value', Buffer.alloc(0)],
  ])('given %s as the value, when decoded, then MALFORMED_JSON', (_what, value) => {
    expect(violation(() => decodeEvent(wire({ value }))).code).toBe('MALFORMED_JSON');
  });

  it('given a tombstone (null value), when decoded, then MALFORMED_JSON', () => {
    expect(violation(() => decodeEvent({ ...wire(), value: null })).code).toBe('MALFORMED_JSON');
  });

  it('given a payload with a wrong nested field, when decoded, then SCHEMA_VIOLATION with the field path', () => {
    const payload = {
      ...PAYLOADS['photo.accepted'],
      photo: { ...PAYLOADS['photo.accepted'].photo, hash: 'md5:abc' },
    };

    const error = violation(() => decodeEvent(wire({ value: Buffer.from(JSON.stringify(payload)) })));

    expect(error.code).toBe('SCHEMA_VIOLATION');
    expect(error.details.map((d) => d.path)).toContain('/photo/hash');
    expect(error.message).toContain('/photo/hash');
  });

  it('given a payload carrying personal data in an extra field, when decoded, then SCHEMA_VIOLATION', () => {
    const payload = { ...PAYLOADS['photo.accepted'], name: '山田 太郎' };

    const error = violation(() => decodeEvent(wire({ value: Buffer.from(JSON.stringify(payload)) })));

    expect(error.code).toBe('SCHEMA_VIOLATION');
    expect(error.details.map((d) => d.path)).toContain('/name');
  });

  it('given JSON that is not an object, when decoded, then SCHEMA_VIOLATION', () => {
    expect(violation(() => decodeEvent(wire({ value: Buffer.from('null') }))).code).toBe('SCHEMA_VIOLATION');
  });

  it('given ce_subject different from the payload’s applicationId, when decoded, then SUBJECT_MISMATCH', () => {
    const other = '01936f2e-7c1a-7b3d-9e4f-000000000000';

    const error = violation(() => decodeEvent(wire({ key: other, headers: { ce_subject: other } })));

    expect(error.code).toBe('SUBJECT_MISMATCH');
  });

  it('given a Kafka key different from ce_subject, when decoded, then SUBJECT_MISMATCH', () => {
    const error = violation(() => decodeEvent(wire({ key: '01936f2e-7c1a-7b3d-9e4f-000000000000' })));

    expect(error.code).toBe('SUBJECT_MISMATCH');
  });
});

describe('createEvent', () => {
  it('given a payload that breaks its schema, when created, then SCHEMA_VIOLATION and nothing is built', () => {
    const bad = { ...PAYLOADS['card.encoded'], attempt: 0, chipSerial: 'not hex' };

    const error = violation(() => createEvent('card.encoded', '/mnc/encode-lane', bad));

    expect(error.code).toBe('SCHEMA_VIOLATION');
    expect(error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['/attempt', '/chipSerial']));
  });

  it('given a payload missing a required field, when created, then SCHEMA_VIOLATION names it', () => {
    const { cardId: _omitted, ...bad } = PAYLOADS['card.delivered'];

    const error = violation(() =>
      createEvent('card.delivered', '/mnc/delivery', bad as PayloadOf<'card.delivered'>),
    );

    expect(error.details.map((d) => d.path)).toContain('/cardId');
  });

  it('given an application id that is not a UUID, when created, then SCHEMA_VIOLATION on /applicationId', () => {
    const bad = { ...PAYLOADS['application.cancelled'], applicationId: 'APP-1' };

    const error = violation(() => createEvent('application.cancelled', '/mnc/intake', bad));

    expect(error.details.map((d) => d.path)).toContain('/applicationId');
  });

  it('given an impossible timestamp, when created, then SCHEMA_VIOLATION', () => {
    const bad = { ...PAYLOADS['application.cancelled'], cancelledAt: '2026-13-45T99:00:00Z' };

    expect(violation(() => createEvent('application.cancelled', '/mnc/intake', bad)).code).toBe(
      'SCHEMA_VIOLATION',
    );
  });

  it('given an event type outside the catalogue, when created, then UNKNOWN_EVENT_TYPE', () => {
    const error = violation(() =>
      createEvent('card.exploded' as EventType, '/mnc/x', PAYLOADS['card.delivered'] as PayloadOf<EventType>),
    );

    expect(error.code).toBe('UNKNOWN_EVENT_TYPE');
  });

  it('given a valid payload, when created, then subject is the application id and time is now', () => {
    const before = Date.now();

    const event = createEvent('photo.rejected', '/mnc/photo-screening', PAYLOADS['photo.rejected']);

    expect(event.subject).toBe(APPLICATION_ID);
    expect(event.specversion).toBe('1.0');
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(event.time)).toBeLessThanOrEqual(Date.now());
  });

  it('given events created one after another, then ids are UUIDv7 and sort in creation order', () => {
    const ids = Array.from(
      { length: 500 },
      () => createEvent('card.delivered', '/mnc/delivery', PAYLOADS['card.delivered']).id,
    );

    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('given an event, then its id embeds its creation time (UUIDv7 millisecond prefix)', () => {
    const before = Date.now();

    const { id } = createEvent('card.delivered', '/mnc/delivery', PAYLOADS['card.delivered']);

    const millis = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(Date.now());
  });
});

describe('encodeEvent', () => {
  it('given an envelope whose data was tampered with after creation, when encoded, then SCHEMA_VIOLATION', () => {
    const event = createEvent('card.encoded', '/mnc/encode-lane', { ...PAYLOADS['card.encoded'] });
    (event.data as { lane: string }).lane = '';

    expect(violation(() => encodeEvent(event)).code).toBe('SCHEMA_VIOLATION');
  });

  it('given any catalogued type, then ce_type is versioned reverse-DNS', () => {
    for (const type of EVENT_TYPES) expect(cloudEventType(type)).toBe(`jp.mynumbercard.${type}.v1`);
  });
});
