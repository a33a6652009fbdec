import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Logger } from './logger';

type PinoMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

// Nest's levels from most to least severe, with the pino level each maps to.
const NEST_TO_PINO: ReadonlyArray<readonly [NestLogLevel, PinoMethod]> = [
  ['fatal', 'fatal'],
  ['error', 'error'],
  ['warn', 'warn'],
  ['log', 'info'],
  ['debug', 'debug'],
  ['verbose', 'trace'],
];

const STACK_TRACE = /^.+\n\s+at .+/s;

/**
 * Lets NestJS write through the service logger: `NestFactory.create(AppModule, { logger: new PinoNestLogger(logger) })`.
 * Nest passes its context (class name) as the last string argument and, for errors, a stack before it.
 */
export class PinoNestLogger implements LoggerService {
  private readonly logger: Logger;

  constructor(logger: Logger) {
    // A child, so setLogLevels does not change the level of the caller's logger.
    this.logger = logger.child({ component: 'nest' });
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  setLogLevels(levels: NestLogLevel[]): void {
    const enabled = NEST_TO_PINO.filter(([nestLevel]) => levels.includes(nestLevel));
    this.logger.level = enabled.length ? enabled[enabled.length - 1][1] : 'silent';
  }

  private write(level: PinoMethod, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && !STACK_TRACE.test(last)) fields['context'] = rest.pop();
    const maybeStack = rest[rest.length - 1];
    if (typeof maybeStack === 'string' && STACK_TRACE.test(maybeStack)) fields['stack'] = rest.pop();
    if (rest.length) fields['params'] = rest;

    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null)
      this.logger[level]({ ...fields, data: message });
    else this.logger[level](fields, String(message));
  }
}
