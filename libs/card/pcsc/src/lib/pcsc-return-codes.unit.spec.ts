import { classifyPcscFailure, PcscReturnCode, pcscReturnCodeOf } from './pcsc-return-codes';

describe('PC/SC return codes', () => {
  it('extracts the code pcsclite appends to its messages', () => {
    expect(pcscReturnCodeOf(new Error('SCardTransmit error: Card was removed.(0x80100069)'))).toBe(
      PcscReturnCode.W_REMOVED_CARD,
    );
  });

  it('has no code for an error without one', () => {
    expect(pcscReturnCodeOf(new Error('Card Reader not connected'))).toBeUndefined();
  });

  it('has no code for something that is not an Error', () => {
    expect(pcscReturnCodeOf('0x80100069')).toBeUndefined();
  });

  it.each([
    [PcscReturnCode.W_REMOVED_CARD, 'card-removed'],
    [PcscReturnCode.E_NO_SMARTCARD, 'card-removed'],
    [PcscReturnCode.E_NO_SERVICE, 'reader-unavailable'],
    [PcscReturnCode.E_READER_UNAVAILABLE, 'reader-unavailable'],
    [PcscReturnCode.E_PROTO_MISMATCH, 'protocol-mismatch'],
    [PcscReturnCode.E_SHARING_VIOLATION, 'sharing-violation'],
    [PcscReturnCode.E_NOT_TRANSACTED, 'ambiguous'],
    [undefined, 'ambiguous'],
  ])('classifies %s as %s', (code, kind) => {
    expect(classifyPcscFailure(code)).toBe(kind);
  });
});
