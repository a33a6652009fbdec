/** Injection tokens for what the runtime builds once per process and every stage module shares. */
export const PIPELINE_CONFIG = Symbol('PIPELINE_CONFIG');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
export const BLOB_STORE = Symbol('BLOB_STORE');
export const ENVELOPE_CIPHER = Symbol('ENVELOPE_CIPHER');
/** EnvelopeCipher with the personalisation key: seals and opens personalisation bundles. */
export const PERSONALISATION_CIPHER = Symbol('PERSONALISATION_CIPHER');
export const LOGGER = Symbol('LOGGER');
export const METRICS = Symbol('METRICS');
