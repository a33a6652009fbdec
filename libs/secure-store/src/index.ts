export * from './atomic-write';
export * from './blob-store';
export * from './envelope-cipher';
export * from './errors';
export * from './file-blob-store';
export * from './master-key';
export * from './memory-blob-store';
