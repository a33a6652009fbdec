import { createHash } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import {
  createEvent,
  type BlobRef,
  type EventEnvelope,
  type EventType,
  type PayloadOf,
} from '@mnc/contracts';

/** A content-addressed reference, as the blob store would hand it out for `content`. */
export function blobRef(
  content: string,
  mediaType = 'application/octet-stream',
  size = content.length,
): BlobRef {
  return { hash: `sha256:${createHash('sha256').update(content).digest('hex')}`, size, mediaType };
}

/** Realistic, schema-valid payloads for every event type (no personal data, as on the real topics). */
export function samplePayload<T extends EventType>(type: T, applicationId: string = uuidv7()): PayloadOf<T> {
  const cardId = '01936f2e-7c1a-7b3d-9e4f-5a6b7c8d9e0f';
  const routing = {
    applicationId,
    route: 'express' as const,
    cardProfile: 'next-gen' as const,
    municipalityCode: '131016',
    applicantRecord: blobRef(`applicant:${applicationId}`, 'application/vnd.mnc.applicant+json', 412),
  };
  const payloads: { [K in EventType]: PayloadOf<K> } = {
    'application.submitted': {
      ...routing,
      channel: 'online',
      photo: blobRef(`photo:${applicationId}`, 'image/jpeg', 48_213),
      submittedAt: '2026-04-01T09:15:30.123Z',
    },
    'application.cancelled': {
      applicationId,
      reason: 'Applicant withdrew at the counter',
      cancelledAt: '2026-04-02T10:00:00Z',
    },
    'photo.accepted': {
      ...routing,
      photo: blobRef(`photo:${applicationId}`, 'image/jpeg', 48_213),
      width: 413,
      height: 531,
      decision: 'automatic',
    },
    'photo.rejected': {
      applicationId,
      reasons: [
        { code: 'FACE_TOO_SMALL', message: 'The face must fill 70-80% of the frame height.' },
        { code: 'BACKGROUND_NOT_PLAIN', message: 'Use a plain, light background.' },
      ],
      decision: 'reviewer',
    },
    'photo.review-requested': {
      applicationId,
      reasons: [
        { code: 'AUDIT_SAMPLE', message: 'A random share of accepted photos is checked by a person.' },
      ],
      kind: 'audit',
    },
    'issuance-data.generated': {
      ...routing,
      cardId,
      cardNumber: 'AB12CD34EF56',
      issuedOn: '2026-04-03',
      expiresOn: '2036-04-02',
      bundle: blobRef(`bundle:${applicationId}`, 'application/vnd.mnc.personalisation', 9_876),
    },
    'card.encoded': {
      ...routing,
      cardId,
      chipSerial: '04A1B2C3D4E5F6',
      lane: 'lane-1',
      attempt: 2,
      encodedAt: '2026-04-04T03:04:05+09:00',
    },
    'card.ready-for-dispatch': {
      ...routing,
      cardId,
      deliverTo: 'resident',
      activation: 'pending-delivery',
    },
    'card.dispatched': {
      applicationId,
      cardId,
      shipmentId: '01936f2e-8000-7000-8000-000000000001',
      carrier: 'japan-post',
      trackingNumber: '1234-5678-9012',
      dispatchedAt: '2026-04-05T08:00:00Z',
    },
    'card.delivered': {
      applicationId,
      cardId,
      shipmentId: '01936f2e-8000-7000-8000-000000000001',
      deliveredAt: '2026-04-06T14:30:00Z',
    },
    'card.handed-over': {
      applicationId,
      municipalityCode: '131016',
      identityCheckedBy: 'staff-0007',
      handedOverAt: '2026-04-07T10:00:00+09:00',
    },
    'card.loss-reported': {
      applicationId,
      reissueApplicationId: '01936f2e-8000-7000-8000-000000000002',
      reportedAt: '2026-05-01T09:00:00Z',
    },
    'card.found-reported': { applicationId, reportedAt: '2026-05-02T09:00:00Z' },
    'card.holder-deceased': { applicationId, notifiedAt: '2026-06-01T09:00:00Z' },
    'card.lifecycle-changed': {
      applicationId,
      cardId,
      from: 'in-use',
      to: 'suspended',
      command: 'report-lost',
      certificates: { action: 'hold', reason: 'certificateHold' },
      changedAt: '2026-05-01T09:00:01Z',
    },
    'shipment.tracking-updated': {
      applicationId,
      cardId,
      shipmentId: '01936f2e-8000-7000-8000-000000000001',
      trackingNumber: '1234-5678-9012',
      status: 'in-transit',
      at: '2026-04-05T12:00:00Z',
    },
  };
  return payloads[type];
}

export function sampleEvent<T extends EventType>(
  type: T,
  applicationId: string = uuidv7(),
  source = '/mnc/test',
): EventEnvelope<T> {
  return createEvent(type, source, samplePayload(type, applicationId));
}
