import { ALWAYS, NEVER } from './access-condition';
import { fromHex, hex } from './bytes';
import {
  encodeFileCreationParameters,
  InvalidFileCreationParametersError,
  parseFileCreationParameters,
} from './file-control-parameters';

describe('CREATE FILE parameters', () => {
  it('encodes FID, size and access in an FCP template', () => {
    expect(hex(encodeFileCreationParameters({ fid: 0x000a, size: 0x0800, readAccess: ALWAYS }))).toBe(
      '620B8302000A80020800860100',
    );
  });

  it('round-trips', () => {
    const parameters = { fid: 0x0017, size: 300, readAccess: NEVER };
    expect(parseFileCreationParameters(encodeFileCreationParameters(parameters))).toEqual(parameters);
  });

  it('accepts a one-byte size', () => {
    expect(parseFileCreationParameters(fromHex('620A 83020006 800120 860100')).size).toBe(0x20);
  });

  it.each([
    ['another template tag', '6F0A83020006800120860100'],
    ['a template length that does not match', '620B83020006800120860100'],
    ['a missing size', '62078302000686 0100'],
    ['a missing access byte', '620783020006800120'],
    ['an unknown access byte', '620A83020006800120860155'],
    ['a duplicated tag', '620E830200068302000780012086 0100'],
    ['an unsupported tag', '620D83020006800120860100 8A0105'],
  ])('rejects %s', (_, data) => {
    expect(() => parseFileCreationParameters(fromHex(data))).toThrow(InvalidFileCreationParametersError);
  });
});
