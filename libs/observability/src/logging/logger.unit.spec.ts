import { trace } from '@opentelemetry/api';
import { initTracing } from '../tracing/tracing';
import { withLogContext } from './log-context';
import { createLogger } from './logger';
import { MY_NUMBER_MASK, REDACTED } from './scrub';
import { captureLines } from './test-destination';

function testLogger() {
  const { destination, lines } = captureLines();
  return { logger: createLogger({ service: 'intake', level: 'trace', destination }), lines };
}

describe('createLogger', () => {
  it('writes JSON with service, ISO time and a level label', () => {
    const { logger, lines } = testLogger();
    logger.info({ stage: 'intake' }, 'started');
    expect(lines[0]).toMatchObject({ service: 'intake', level: 'info', msg: 'started', stage: 'intake' });
    expect(lines[0]['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('honours the level', () => {
    const { destination, lines } = captureLines();
    const logger = createLogger({ service: 'intake', level: 'warn', destination });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((l) => l['msg'])).toEqual(['shown']);
  });

  describe('redaction', () => {
    it('censors sensitive keys at the top level and nested', () => {
      const { logger, lines } = testLogger();
      logger.info({
        name: 'Yamada Taro',
        applicant: {
          familyName: 'Yamada',
          givenName: 'Taro',
          kana: 'ヤマダ',
          birthDate: '1990-01-01',
          sex: 'M',
        },
        card: { pin: '1234', puk: '12345678', securityCode: 'abc' },
        deeper: { event: { data: { address: 'Tokyo', myNumber: 'x' } } },
        municipalityCode: '131016',
      });
      expect(lines[0]).toMatchObject({
        name: REDACTED,
        applicant: {
          familyName: REDACTED,
          givenName: REDACTED,
          kana: REDACTED,
          birthDate: REDACTED,
          sex: REDACTED,
        },
        card: { pin: REDACTED, puk: REDACTED, securityCode: REDACTED },
        deeper: { event: { data: { address: REDACTED, myNumber: REDACTED } } },
        municipalityCode: '131016',
      });
    });

    it('masks 12 digits in the message, also after interpolation', () => {
      const { logger, lines } = testLogger();
      logger.warn('my number 123456789012 failed its check digit');
      logger.warn('rejected %s for %s', '987654321098', 'intake');
      expect(lines.map((l) => l['msg'])).toEqual([
        `my number ${MY_NUMBER_MASK} failed its check digit`,
        `rejected ${MY_NUMBER_MASK} for intake`,
      ]);
    });

    it('masks 12 digits in string fields, nested ones and errors', () => {
      const { logger, lines } = testLogger();
      const err = new Error('value 123456789012 is invalid');
      logger.error(
        { err, input: 'raw=123456789012', form: { field: '１２３４５６７８９０１２' } },
        'validation failed',
      );
      logger.error(new Error('thrown with 123456789012'));
      const text = JSON.stringify(lines);
      expect(text).not.toMatch(/123456789012|１２３４５６７８９０１２/);
      expect(lines[0]).toMatchObject({
        input: `raw=${MY_NUMBER_MASK}`,
        form: { field: MY_NUMBER_MASK },
        err: { type: 'Error', message: `value ${MY_NUMBER_MASK} is invalid` },
      });
      expect(lines[1]['msg']).toBe(`thrown with ${MY_NUMBER_MASK}`);
    });

    it('leaves numbers that are not 12 digits untouched', () => {
      const { logger, lines } = testLogger();
      logger.info(
        { offset: '12345678901', timestampMs: 1714567890123, count: 12, postcode: '1000001' },
        'took 12345678901 ns across 1234567890123 bytes',
      );
      expect(lines[0]).toMatchObject({
        offset: '12345678901',
        timestampMs: 1714567890123,
        count: 12,
        postcode: '1000001',
        msg: 'took 12345678901 ns across 1234567890123 bytes',
      });
    });

    it('scrubs child bindings too', () => {
      const { logger, lines } = testLogger();
      const child = logger.child({ subject: '123456789012', address: 'Tokyo' });
      child.info('hello');
      child.child({ note: 'pin 111122223333' }).info('grandchild');
      expect(lines[0]).toMatchObject({ subject: MY_NUMBER_MASK, address: REDACTED });
      expect(lines[1]).toMatchObject({
        subject: MY_NUMBER_MASK,
        note: `pin ${MY_NUMBER_MASK}`,
        msg: 'grandchild',
      });
    });

    it('does not modify the logged object', () => {
      const { logger } = testLogger();
      const fields = { applicant: { name: 'Yamada' }, note: '123456789012' };
      logger.info(fields);
      expect(fields).toEqual({ applicant: { name: 'Yamada' }, note: '123456789012' });
    });
  });

  describe('correlation fields', () => {
    const applicationId = '01890a5d-ac96-774b-bcce-123456789012';

    it('adds the application id from the log context, nested contexts merging', async () => {
      const { logger, lines } = testLogger();
      logger.info('outside');
      await withLogContext({ applicationId }, async () => {
        await Promise.resolve();
        logger.info('inside');
        withLogContext({}, () => logger.info('nested'));
      });
      expect(lines[0]).not.toHaveProperty('applicationId');
      expect(lines[1]).toMatchObject({ msg: 'inside', applicationId });
      expect(lines[2]).toMatchObject({ msg: 'nested', applicationId });
    });

    it('lets an explicit field win over the context', () => {
      const { logger, lines } = testLogger();
      withLogContext({ applicationId }, () => logger.info({ applicationId: 'other' }, 'explicit'));
      expect(lines[0]['applicationId']).toBe('other');
    });

    it('adds trace and span ids of the active span', async () => {
      const tracing = initTracing({ service: 'intake' });
      try {
        const { logger, lines } = testLogger();
        logger.info('no span');
        let ids: { traceId: string; spanId: string } = { traceId: '', spanId: '' };
        await tracing.tracer.startActiveSpan('work', async (span) => {
          await Promise.resolve();
          logger.info('in span');
          ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
          span.end();
        });
        expect(lines[0]).not.toHaveProperty('traceId');
        expect(lines[1]).toMatchObject(ids);
        expect(trace.getActiveSpan()).toBeUndefined();
      } finally {
        await tracing.shutdown();
      }
    });
  });

  it('prints one readable, still redacted line per record when pretty', async () => {
    const written: string[] = [];
    const logger = createLogger({
      service: 'intake',
      level: 'info',
      pretty: true,
      destination: { write: (line: string) => void written.push(line) },
    });
    withLogContext({ applicationId: 'app-1' }, () => logger.info({ stage: 'x', myNumber: '1' }, 'hello'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([
      expect.stringMatching(
        /^\S+ INFO {2}\[intake\] hello \(app-1\) {"stage":"x","myNumber":"\[redacted\]"}\n$/,
      ),
    ]);
  });
});
