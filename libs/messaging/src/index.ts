export * from './port';
export * from './failures';
export * from './partitioner';
export * from './keyed-batch-processor';
export * from './memory-bus';
export * from './kafka-bus';
export { fixKafkajsIdleLoop } from './kafkajs-idle-fix';
export * from './outbox';
export * from './event-consumer';
