export * from './topics';
export * from './errors';
export * from './events';
export * from './envelope';
export * from './asyncapi';
export * from './blobs';
