import { MY_NUMBER_MASK, REDACTED, scrubLogFields, scrubMyNumbers } from './scrub';

describe('scrubMyNumbers', () => {
  it.each([
    ['123456789012', MY_NUMBER_MASK],
    ['my number 123456789012 rejected', `my number ${MY_NUMBER_MASK} rejected`],
    ['id=123456789012,next', `id=${MY_NUMBER_MASK},next`],
    ['MN123456789012x', `MN${MY_NUMBER_MASK}x`],
    ['１２３４５６７８９０１２', MY_NUMBER_MASK],
    ['card shows 1234 5678 9012', `card shows ${MY_NUMBER_MASK}`],
    ['typed as 1234-5678-9012.', `typed as ${MY_NUMBER_MASK}.`],
    ['two: 111111111111 and 222222222222', `two: ${MY_NUMBER_MASK} and ${MY_NUMBER_MASK}`],
  ])('masks %j', (input, expected) => {
    expect(scrubMyNumbers(input)).toBe(expected);
  });

  it.each([
    '12345678901', // 11 digits
    '1234567890123', // 13 digits
    '1234567890123456',
    'offset 42, municipality 131016, postcode 100-0001',
    'phone 090-1234-5678',
    '1234 5678 9012 3456',
    '2024-05-01T12:34:56.789Z',
    'application 01890a5d-ac96-774b-bcce-123456789012',
  ])('leaves %j alone', (input) => {
    expect(scrubMyNumbers(input)).toBe(input);
  });
});

describe('scrubLogFields', () => {
  it('redacts sensitive keys at any depth and in any spelling', () => {
    const scrubbed = scrubLogFields({
      event: { data: { applicant: { familyName: 'Yamada', my_number: 'x', Address: { line1: '1-2-3' } } } },
      stage: 'intake',
    });
    expect(scrubbed).toEqual({
      event: { data: { applicant: { familyName: REDACTED, my_number: REDACTED, Address: REDACTED } } },
      stage: 'intake',
    });
  });

  it('masks 12-digit strings and integers but no other numbers', () => {
    expect(
      scrubLogFields({
        note: 'got 123456789012',
        list: ['123456789012', 7],
        n: 123456789012,
        big: 1234567890123,
        small: 42,
      }),
    ).toEqual({
      note: `got ${MY_NUMBER_MASK}`,
      list: [MY_NUMBER_MASK, 7],
      n: MY_NUMBER_MASK,
      big: 1234567890123,
      small: 42,
    });
  });

  it('keeps trace and span ids even when they contain a 12-digit run', () => {
    const ids = { traceId: 'ab123456789012cdef0123456789abcd', spanId: 'a123456789012bcd' };
    expect(scrubLogFields(ids)).toEqual(ids);
  });

  it('serialises errors so their message and stack are scrubbed', () => {
    const scrubbed = scrubLogFields({ err: new Error('bad my number 123456789012') }) as {
      err: Record<string, unknown>;
    };
    expect(scrubbed.err['type']).toBe('Error');
    expect(scrubbed.err['message']).toBe(`bad my number ${MY_NUMBER_MASK}`);
    expect(scrubbed.err['stack']).not.toContain('123456789012');
  });

  it('elides binary data and survives cycles without mutating the input', () => {
    const input: Record<string, unknown> = { blob: Buffer.alloc(3), text: '123456789012' };
    input['self'] = input;
    const scrubbed = scrubLogFields(input);
    expect(scrubbed).toEqual({ blob: '[binary 3 bytes]', text: MY_NUMBER_MASK, self: '[circular]' });
    expect(input['text']).toBe('123456789012');
  });
});
