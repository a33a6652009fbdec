import { isPermanent } from '@mnc/messaging';
import { PkiError, type CertificateAuthority, type SignApDataRequest } from '@mnc/pki-client';
import { softwareCa } from './testing/software-ca';
import { SoftwareApDataSigner, verifyApSignature } from '@mnc/domain-issuance';
import { CaApDataSigner } from './ca-ap-data-signer';

const CARD = { applicationId: '01936f2e-7c1a-7b3d-9e4f-000000000001', cardNumber: 'A0000000001A' };

describe('CaApDataSigner', () => {
  let software: SoftwareApDataSigner;
  beforeAll(async () => {
    software = await SoftwareApDataSigner.create();
  });

  it.each([
    ['legacy-rsa2048', 'text', 'text-ap', 'sha256WithRSAEncryption'],
    ['next-gen', 'visual', 'visual-ap', 'ecdsa-with-SHA256'],
  ] as const)(
    'signs %s %s data as %s and maps the algorithm to %s',
    async (profile, application, label, algorithm) => {
      const requests: SignApDataRequest[] = [];
      const signer = new CaApDataSigner(softwareCa(software, requests));
      const data = Buffer.from('DF31 and DF32 TLVs, synthetic');
      const result = await signer.sign(data, profile, application, CARD);
      expect(requests).toEqual([{ ...CARD, cardProfile: profile, label, data: data.toString('base64') }]);
      expect(result.algorithm).toBe(algorithm);
      expect(verifyApSignature(data, result.signature, result.algorithm, result.signerCertificate)).toBe(
        true,
      );
    },
  );

  it('parks a refusal of the CA and retries an unreachable CA', async () => {
    const failing = (error: Error): CertificateAuthority => ({
      ...softwareCa(software, []),
      signApData: () => Promise.reject(error),
    });
    const refused = new CaApDataSigner(
      failing(new PkiError('invalid-field', 'cardNumber is not a card number', 'cardNumber')),
    );
    const down = new CaApDataSigner(failing(new PkiError('unavailable', 'the CA could not be reached')));
    const refusal = await refused.sign(Buffer.from('x'), 'next-gen', 'text', CARD).catch((e: unknown) => e);
    const outage = await down.sign(Buffer.from('x'), 'next-gen', 'text', CARD).catch((e: unknown) => e);
    expect(isPermanent(refusal)).toBe(true);
    expect(refusal).toMatchObject({ code: 'CA_invalid-field' });
    expect(isPermanent(outage)).toBe(false);
  });
});
