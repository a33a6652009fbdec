import { ProblemError } from '@mnc/stage-runtime';
import { reviewerFrom } from './review.controller';
import { parseRejection } from './review.service';

const problem = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as ProblemError;
  }
  throw new Error('expected a problem');
};

describe('review API input', () => {
  it('takes the reviewer from X-Reviewer-Id and refuses a missing or malformed one, naming the header', () => {
    expect(reviewerFrom('reviewer.tanaka@city-271004')).toBe('reviewer.tanaka@city-271004');
    expect(problem(() => reviewerFrom(undefined))).toMatchObject({
      status: 401,
      errors: [{ field: 'header.x-reviewer-id', code: 'REQUIRED' }],
    });
    expect(problem(() => reviewerFrom('a b'))).toMatchObject({
      status: 422,
      errors: [{ field: 'header.x-reviewer-id', code: 'INVALID' }],
    });
  });

  it('accepts rejection reason codes the applicant can act on, once each, with an optional note', () => {
    expect(parseRejection({ reasons: ['HEAD_TILTED', 'HEAD_TILTED', 'TOO_DARK'], note: 'retake' })).toEqual({
      codes: ['HEAD_TILTED', 'TOO_DARK'],
      note: 'retake',
    });
  });

  it('refuses a rejection without reasons, with an unknown code or a review-only code, naming each field', () => {
    expect(problem(() => parseRejection({}))).toMatchObject({ status: 422, errors: [{ field: 'reasons' }] });
    expect(problem(() => parseRejection({ reasons: ['TOO_DARK', 'AUDIT_SAMPLE', 7] }))).toMatchObject({
      errors: [
        { field: 'reasons[1]', code: 'UNKNOWN_REASON' },
        { field: 'reasons[2]', code: 'UNKNOWN_REASON' },
      ],
    });
    expect(problem(() => parseRejection({ reasons: ['TOO_DARK'], note: 'x'.repeat(501) }))).toMatchObject({
      errors: [{ field: 'note', code: 'INVALID' }],
    });
  });
});
