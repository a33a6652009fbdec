import { EVENT_TYPES, type EventType } from '@mnc/contracts';
import {
  APPLICATION_STATUSES,
  CLOSED_STATUSES,
  statusAfter,
  TRACKED_EVENT_TYPES,
  type ApplicationStatus,
} from './application-status';

describe('statusAfter', () => {
  describe('given events in pipeline order', () => {
    it('then the status walks through every stage to delivered', () => {
      const events: EventType[] = [
        'photo.accepted',
        'issuance-data.generated',
        'card.encoded',
        'card.ready-for-dispatch',
        'card.dispatched',
        'card.delivered',
      ];
      const seen: ApplicationStatus[] = [];
      events.reduce<ApplicationStatus>((status, type) => {
        const next = statusAfter(status, type);
        seen.push(next);
        return next;
      }, 'submitted');
      expect(seen).toEqual([
        'photo-accepted',
        'issuance-data-generated',
        'encoded',
        'ready-for-dispatch',
        'dispatched',
        'delivered',
      ]);
    });
  });

  it('given a submitted application, when its photo is rejected, then it is photo-rejected', () => {
    expect(statusAfter('submitted', 'photo.rejected')).toBe('photo-rejected');
  });

  describe('given events out of order', () => {
    it('when card.dispatched arrives after card.delivered, then the status stays delivered', () => {
      expect(statusAfter('delivered', 'card.dispatched')).toBe('delivered');
    });

    it('when card.encoded arrives after card.ready-for-dispatch, then the status stays ready-for-dispatch', () => {
      expect(statusAfter('ready-for-dispatch', 'card.encoded')).toBe('ready-for-dispatch');
    });

    it('when card.delivered arrives before the stages in between, then the status jumps to delivered', () => {
      expect(statusAfter('photo-accepted', 'card.delivered')).toBe('delivered');
    });

    it('when the same event arrives twice, then the status is unchanged', () => {
      expect(statusAfter('encoded', 'card.encoded')).toBe('encoded');
    });
  });

  it.each(APPLICATION_STATUSES)('given %s, then no tracked event moves it backwards', (current) => {
    for (const type of TRACKED_EVENT_TYPES) {
      const next = statusAfter(current, type);
      expect(APPLICATION_STATUSES.indexOf(next)).toBeGreaterThanOrEqual(
        APPLICATION_STATUSES.indexOf(current),
      );
    }
  });

  describe('given an event type that does not change the status', () => {
    it.each(EVENT_TYPES.filter((t) => !TRACKED_EVENT_TYPES.includes(t)))(
      'when %s arrives, then the status is unchanged',
      (type) => {
        expect(statusAfter('photo-accepted', type)).toBe('photo-accepted');
      },
    );

    it('when a type unknown to this version arrives, then the status is unchanged', () => {
      expect(statusAfter('encoded', 'card.revoked' as EventType)).toBe('encoded');
    });
  });

  it('tracks the events of the stages after intake, not application.submitted', () => {
    expect(TRACKED_EVENT_TYPES).not.toContain('application.submitted');
    expect(TRACKED_EVENT_TYPES).toEqual(
      expect.arrayContaining([
        'photo.rejected',
        'photo.accepted',
        'card.encoded',
        'card.dispatched',
        'card.delivered',
      ]),
    );
  });

  describe('given a status a person decided (handed over, reported lost, holder deceased, cancelled)', () => {
    it.each(['handed-over', 'card-reported-lost', 'holder-deceased', 'cancelled'] as const)(
      'when any pipeline event arrives late, then %s stays',
      (status) => {
        for (const type of TRACKED_EVENT_TYPES) expect(statusAfter(status, type)).toBe(status);
      },
    );
  });

  it('given an application in review, when its photo is accepted, then it moves on', () => {
    expect(statusAfter('in-review', 'photo.accepted')).toBe('photo-accepted');
  });

  it('lets a person apply again after these statuses', () => {
    expect([...CLOSED_STATUSES].sort()).toEqual(
      [
        'cancelled',
        'card-reported-lost',
        'delivered',
        'handed-over',
        'holder-deceased',
        'photo-rejected',
      ].sort(),
    );
  });
});
