export * from './algorithms';
export * from './errors';
export * from './hierarchy';
export * from './ocsp';
export * from './oids';
export * from './profiles';
export * from './public-key';
export * from './revocation';
export * from './signatures';
export * from './signer';
export {
  keyIdentifierOf,
  randomSerialNumber,
  serialHex,
  signCertificate,
  signStructure,
  signatureAlgorithmIdentifier,
  type CertificateTemplate,
} from './x509';
export * from './software-hierarchy';
// Test support shared by the PKI libs' specs and the virtual card's: a software "card" and the openssl CLI.
export * from './test-fixtures';
export * from './openssl';
