export * from './pkcs11-token';
export * from './softhsm';
