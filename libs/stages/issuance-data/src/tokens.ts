/** The AP data signer (an `ApDataSigner` of @mnc/domain-issuance): the CA's AP-signing call once wired. */
export const AP_DATA_SIGNER = Symbol('AP_DATA_SIGNER');
