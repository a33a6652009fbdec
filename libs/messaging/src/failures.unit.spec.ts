import { ContractViolationError } from '@mnc/contracts';
import { backoffMs, errorCode, errorMessage, isPermanent, PermanentFailure } from './index';

describe('failure classification', () => {
  it('given a PermanentFailure or a ContractViolationError, then it is permanent', () => {
    expect(isPermanent(new PermanentFailure('RULE', 'x'))).toBe(true);
    expect(isPermanent(new ContractViolationError('MALFORMED_JSON', 'x'))).toBe(true);
  });

  it.each([
    new Error('ECONNRESET'),
    Object.assign(new Error('x'), { permanent: 'yes' }),
    null,
    undefined,
    'text',
  ])('given %p, then it is transient', (error) => {
    expect(isPermanent(error)).toBe(false);
  });

  it('given errors of several shapes, then the code comes from code, else name, else UNKNOWN', () => {
    expect(errorCode(new PermanentFailure('CARD_SPOILED', 'x'))).toBe('CARD_SPOILED');
    expect(errorCode(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorCode(new TypeError('x'))).toBe('TypeError');
    expect(errorCode(42)).toBe('UNKNOWN');
    expect(errorMessage(new Error('m'))).toBe('m');
    expect(errorMessage(42)).toBe('42');
  });
});

describe('backoffMs', () => {
  it('given successive attempts, then the ceiling doubles and jitter stays within its upper half', () => {
    expect(backoffMs(1, 100, 5000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 5000, () => 1)).toBe(100);
    expect(backoffMs(2, 100, 5000, () => 1)).toBe(200);
    expect(backoffMs(4, 100, 5000, () => 0.5)).toBe(600);
  });

  it('given many attempts, then the delay is capped at the maximum', () => {
    expect(backoffMs(30, 100, 5000, () => 1)).toBe(5000);
    expect(backoffMs(2000, 100, 5000, () => 1)).toBe(5000);
  });
});
