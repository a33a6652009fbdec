export * from './stage';
export * from './tokens';
export * from './publisher';
export * from './run-pipeline';
export * from './http/problem-details';
export { HEALTH } from './http/ops.controller';
export * from './clock';
export * from './run-stage-process';
