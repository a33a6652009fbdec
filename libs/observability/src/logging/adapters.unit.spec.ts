import { logLevel } from 'kafkajs';
import { kafkaLogCreator } from './kafka-log-creator';
import { createLogger } from './logger';
import { PinoNestLogger } from './nest-logger';
import { MY_NUMBER_MASK } from './scrub';
import { captureLines } from './test-destination';

function testLogger() {
  const { destination, lines } = captureLines();
  return { logger: createLogger({ service: 'intake', level: 'trace', destination }), lines };
}

describe('PinoNestLogger', () => {
  it('maps Nest levels and takes the trailing string as context', () => {
    const { logger, lines } = testLogger();
    const nest = new PinoNestLogger(logger);
    nest.log('Nest application successfully started', 'NestApplication');
    nest.warn('careful');
    nest.debug('details', 'RoutesResolver');
    nest.verbose('chatter', 'InstanceLoader');
    nest.fatal('gone', 'Bootstrap');
    expect(lines.map(({ level, msg, context }) => ({ level, msg, context }))).toEqual([
      { level: 'info', msg: 'Nest application successfully started', context: 'NestApplication' },
      { level: 'warn', msg: 'careful', context: undefined },
      { level: 'debug', msg: 'details', context: 'RoutesResolver' },
      { level: 'trace', msg: 'chatter', context: 'InstanceLoader' },
      { level: 'fatal', msg: 'gone', context: 'Bootstrap' },
    ]);
    expect(lines[0]).toMatchObject({ component: 'nest', service: 'intake' });
  });

  it('keeps the stack of an error and serialises Error objects', () => {
    const { logger, lines } = testLogger();
    const nest = new PinoNestLogger(logger);
    const error = new Error('boom for 123456789012');
    nest.error('request failed', error.stack, 'ExceptionsHandler');
    nest.error(error);
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'request failed', context: 'ExceptionsHandler' });
    expect(lines[0]['stack']).toMatch(/^Error: boom for \[redacted-12-digits\]\n\s+at /);
    expect(lines[1]).toMatchObject({ msg: `boom for ${MY_NUMBER_MASK}`, err: { type: 'Error' } });
  });

  it('setLogLevels filters below the least severe enabled level without touching the given logger', () => {
    const { logger, lines } = testLogger();
    const nest = new PinoNestLogger(logger);
    nest.setLogLevels(['error', 'warn', 'log']);
    nest.debug('dropped');
    nest.log('kept');
    logger.debug('service logger unaffected');
    expect(lines.map((l) => l['msg'])).toEqual(['kept', 'service logger unaffected']);
  });
});

describe('kafkaLogCreator', () => {
  it('maps kafkajs levels, demoting INFO to debug, and keeps the extra fields', () => {
    const { logger, lines } = testLogger();
    const log = kafkaLogCreator(logger)(logLevel.INFO);
    const entry = (level: logLevel, message: string, extra: object = {}) =>
      log({
        namespace: 'Consumer',
        level,
        label: '',
        log: { timestamp: 'ignored', logger: 'kafkajs', message, ...extra },
      });
    entry(logLevel.ERROR, 'Crash', { groupId: 'intake', error: 'broker gone' });
    entry(logLevel.WARN, 'Retrying');
    entry(logLevel.INFO, 'Consumer has joined the group');
    entry(logLevel.DEBUG, 'Request Fetch');
    entry(logLevel.NOTHING, 'never');
    expect(lines.map(({ level, msg }) => ({ level, msg }))).toEqual([
      { level: 'error', msg: 'Crash' },
      { level: 'warn', msg: 'Retrying' },
      { level: 'debug', msg: 'Consumer has joined the group' },
      { level: 'trace', msg: 'Request Fetch' },
    ]);
    expect(lines[0]).toMatchObject({
      component: 'kafkajs',
      kafka: { namespace: 'Consumer', groupId: 'intake', error: 'broker gone' },
    });
    expect(lines[0]['kafka']).not.toHaveProperty('timestamp');
  });
});
