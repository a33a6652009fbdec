import { createEvent, type EventEnvelope, type EventType } from '@mnc/contracts';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { samplePayload } from '@mnc/testing';
import { certificateAction, evolve, summarise, type ApplicationView } from './projection';

const SLA = { normalHours: 720, expressHours: 120 };
const APP = '01936f2e-0000-7000-8000-000000000001';

function at<T extends EventType>(
  type: T,
  time: string,
  patch: Partial<ReturnType<typeof samplePayload<T>>> = {},
): EventEnvelope {
  const event = createEvent(type, '/mnc/test', { ...samplePayload(type, APP), ...patch } as never);
  return { ...event, time };
}

function fold(events: EventEnvelope[]): ApplicationView | undefined {
  return events.reduce<ApplicationView | undefined>((view, e) => evolve(view, e, SLA), undefined);
}

describe('read-model projection', () => {
  it('given a submission, then the application waits in photo screening with its SLA clock started', () => {
    const view = fold([
      at('application.submitted', '2026-04-01T09:15:31Z', {
        submittedAt: '2026-04-01T09:15:30.000Z',
        route: 'express',
      }),
    ]);
    expect(view).toMatchObject({
      id: APP,
      position: 'photo-screening',
      route: 'express',
      municipalityCode: '131016',
      submittedAt: '2026-04-01T09:15:30.000Z',
      positionSince: '2026-04-01T09:15:31Z',
      slaDueAt: '2026-04-06T09:15:30.000Z',
    });
    expect(view?.finishedAt).toBeUndefined();
  });

  it('given the whole pipeline in order, then the application is delivered with each stage passed', () => {
    const view = fold([
      at('application.submitted', '2026-04-01T09:00:00Z'),
      at('photo.accepted', '2026-04-01T09:01:00Z'),
      at('issuance-data.generated', '2026-04-01T09:02:00Z'),
      at('card.encoded', '2026-04-01T09:03:00Z'),
      at('card.ready-for-dispatch', '2026-04-01T09:04:00Z'),
      at('card.dispatched', '2026-04-01T09:05:00Z'),
      at('card.delivered', '2026-04-01T09:06:00Z'),
    ]);
    expect(view).toMatchObject({
      position: 'delivered',
      finishedAt: '2026-04-01T09:06:00Z',
      cardNumber: 'AB12CD34EF56',
    });
    expect(view?.lane).toBeDefined();
  });

  it('given a later stage before an earlier one (topics are not ordered), then the position never moves back', () => {
    const view = fold([
      at('issuance-data.generated', '2026-04-01T09:02:00Z'),
      at('photo.accepted', '2026-04-01T09:01:00Z'),
      at('application.submitted', '2026-04-01T09:00:00Z', {
        submittedAt: '2026-04-01T09:00:00.000Z',
        route: 'normal',
      }),
    ]);
    expect(view).toMatchObject({
      position: 'encode-lane',
      positionSince: '2026-04-01T09:02:00Z',
      submittedAt: '2026-04-01T09:00:00.000Z',
    });
    expect(view?.slaDueAt).toBe('2026-05-01T09:00:00.000Z');
    expect(view?.updatedAt).toBe('2026-04-01T09:02:00Z');
  });

  it('given a rejected photo, then the application is finished as photo-rejected', () => {
    const view = fold([
      at('application.submitted', '2026-04-01T09:00:00Z'),
      at('photo.rejected', '2026-04-01T09:00:05Z'),
    ]);
    expect(view).toMatchObject({ position: 'photo-rejected', finishedAt: '2026-04-01T09:00:05Z' });
  });

  it('given a tracking update, then only the timeline changes, not the position', () => {
    const before = fold([
      at('application.submitted', '2026-04-01T09:00:00Z'),
      at('card.ready-for-dispatch', '2026-04-01T10:00:00Z'),
    ]);
    const after = evolve(before, at('shipment.tracking-updated', '2026-04-01T11:00:00Z'), SLA);
    expect(after.position).toBe('delivery');
    expect(after.positionSince).toBe('2026-04-01T10:00:00Z');
  });

  it('summarises events without personal data and reads certificate actions from lifecycle changes', () => {
    expect(summarise(at('photo.rejected', '2026-04-01T09:00:00Z'))).toBe(
      'reviewer: FACE_TOO_SMALL, BACKGROUND_NOT_PLAIN',
    );
    const change = at('card.lifecycle-changed', '2026-04-01T09:00:00Z');
    const action = certificateAction(change);
    const expected = (change.data as { certificates: { action: string } }).certificates.action;
    expect(action?.action ?? 'none').toBe(expected);
    expect(certificateAction(at('card.delivered', '2026-04-01T09:00:00Z'))).toBeUndefined();
  });
});
