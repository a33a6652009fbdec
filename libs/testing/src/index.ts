export * from './expect-eventually';
export * from './unique-name';
export * from './services';
export * from './postgres';
export * from './event-fixtures';
export * from './stack';
