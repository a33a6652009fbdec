import { DEFAULT_HTTP_PORT, parseOptions, UsageError } from './options';

describe('parseOptions', () => {
  it('defaults to the first vpcd slot on loopback and the standard control port', () => {
    expect(parseOptions([])).toEqual({
      stateDir: 'tmp/virtual-cards',
      httpPort: DEFAULT_HTTP_PORT,
      vpcdHost: '127.0.0.1',
      vpcdPort: 35963,
      insertTimeoutMs: 3000,
      rsaKeyReserve: 0,
    });
  });

  it('reads every flag', () => {
    expect(
      parseOptions([
        '--state-dir',
        '/s',
        '--port',
        '0',
        '--vpcd-host',
        'localhost',
        '--vpcd-port',
        '35964',
        '--insert-timeout-ms',
        '10',
        '--rsa-key-reserve',
        '8',
      ]),
    ).toEqual({
      stateDir: '/s',
      httpPort: 0,
      vpcdHost: 'localhost',
      vpcdPort: 35964,
      insertTimeoutMs: 10,
      rsaKeyReserve: 8,
    });
  });

  it('rejects an unknown flag with the usage text', () => {
    expect(() => parseOptions(['--verbose'])).toThrow(UsageError);
  });

  it('rejects a port that is not an integer', () => {
    expect(() => parseOptions(['--port', '80a'])).toThrow(UsageError);
  });

  it('rejects a key reserve out of range', () => {
    expect(() => parseOptions(['--rsa-key-reserve', '65'])).toThrow(UsageError);
    expect(() => parseOptions(['--rsa-key-reserve', '-1'])).toThrow(UsageError);
  });

  it('rejects a port out of range', () => {
    expect(() => parseOptions(['--vpcd-port', '70000'])).toThrow(UsageError);
  });
});
