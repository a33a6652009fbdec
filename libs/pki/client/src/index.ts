export * from './types';
export * from './http-certificate-authority';
export * from './resolve';
