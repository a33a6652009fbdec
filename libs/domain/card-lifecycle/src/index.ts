export * from './lifecycle';
export * from './revocation';
export * from './business-days';
export * from './sla';
