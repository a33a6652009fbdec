import { logLevel as KafkaLogLevel, type logCreator } from 'kafkajs';
import type { Logger } from './logger';

type PinoMethod = 'error' | 'warn' | 'debug' | 'trace';

// kafkajs logs every connect, join and rebalance at INFO, so one step down keeps normal runs readable.
const KAFKA_TO_PINO: Record<KafkaLogLevel, PinoMethod | undefined> = {
  [KafkaLogLevel.NOTHING]: undefined,
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'debug',
  [KafkaLogLevel.DEBUG]: 'trace',
};

/** kafkajs `logCreator` writing through the service logger: `new Kafka({ logCreator: kafkaLogCreator(logger) })`. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      const method = KAFKA_TO_PINO[level];
      if (!method) return;
      // kafkajs stamps its own timestamp; pino's is the one we keep.
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log;
      kafkaLogger[method]({ kafka: { namespace, ...extra } }, message);
    };
}
