import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { cryptoProvider, X509CrlGenerator, X509CrlReason } from '@peculiar/x509';
import { readCrl } from './upstream';

describe('CRL age', () => {
  it('given a CRL, then its dates, entries and age are read from the CRL itself', async () => {
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
    cryptoProvider.set(webcrypto as unknown as Parameters<typeof cryptoProvider.set>[0]);
    const keys = (await webcrypto.subtle.generateKey(algorithm, false, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const crl = await X509CrlGenerator.create({
      issuer: 'CN=Test JPKI CA',
      thisUpdate: new Date('2026-11-27T00:00:00Z'),
      nextUpdate: new Date('2026-11-28T00:00:00Z'),
      signingAlgorithm: algorithm,
      signingKey: keys.privateKey as Parameters<typeof X509CrlGenerator.create>[0]['signingKey'],
      entries: [
        {
          serialNumber: '0a1b',
          revocationDate: new Date('2026-11-26T12:00:00Z'),
          reason: X509CrlReason.certificateHold,
        },
      ],
    });
    const der = new Uint8Array(crl.rawData);
    expect(readCrl(der, new Date('2026-11-27T06:00:00Z'))).toEqual({
      issuer: 'CN=Test JPKI CA',
      thisUpdate: '2026-11-27T00:00:00.000Z',
      nextUpdate: '2026-11-28T00:00:00.000Z',
      entries: 1,
      ageSeconds: 6 * 3600,
      overdue: false,
    });
    expect(readCrl(der, new Date('2026-11-28T00:00:01Z')).overdue).toBe(true);
  });
});
