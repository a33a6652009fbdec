import { AsnConvert } from '@peculiar/asn1-schema';
import {
  CertID,
  OCSPRequest,
  OCSPResponse,
  BasicOCSPResponse,
  Request,
  TBSRequest,
} from '@peculiar/asn1-ocsp';
import { AlgorithmIdentifier, Certificate, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { createHash } from 'node:crypto';
import { OctetString } from '@peculiar/asn1-schema';
import {
  addYears,
  cardCertificateNotAfter,
  certIdMatchesIssuer,
  createSoftwareHierarchy,
  issueCardCertificate,
  OID,
  parseOcspRequest,
  parseSubReason,
  PkiRequestError,
  proofOfPossessionMessage,
  randomSerialNumber,
  signCrl,
  signOcspResponse,
  validatePublicKey,
  verifyProofOfPossession,
  verifySignature,
  type CaHierarchy,
  type SignatureAlgorithm,
} from './index';
import { FICTIONAL_PERSON, simulatedCardKey, simulatedProof } from './test-fixtures';

const points = { baseUrl: 'http://pki.test/' };
const now = new Date('2026-11-01T00:00:00Z');
const hierarchies = new Map<SignatureAlgorithm, CaHierarchy>();
async function hierarchy(algorithm: SignatureAlgorithm): Promise<CaHierarchy> {
  if (!hierarchies.has(algorithm))
    hierarchies.set(algorithm, await createSoftwareHierarchy(algorithm, points, now));
  return hierarchies.get(algorithm)!;
}

describe('certificate profiles', () => {
  it('gives legacy certificates 5 years and next-gen ones 10, capped by the card', async () => {
    const h = await hierarchy('ecdsa-p256-sha256');
    const base = {
      purpose: 'card-authentication' as const,
      cardNumber: 'A00000000017',
      publicKey: new Uint8Array(),
      serialNumber: randomSerialNumber(),
      notBefore: now,
    };
    const issuer = h.issuing['card-authentication'];
    expect(cardCertificateNotAfter({ ...base, cardProfile: 'legacy-rsa2048' }, issuer)).toEqual(
      addYears(now, 5),
    );
    expect(cardCertificateNotAfter({ ...base, cardProfile: 'next-gen' }, issuer)).toEqual(addYears(now, 10));
    const cardExpiresAt = new Date('2034-06-30T14:59:59Z');
    expect(cardCertificateNotAfter({ ...base, cardProfile: 'next-gen', cardExpiresAt }, issuer)).toEqual(
      cardExpiresAt,
    );
    expect(addYears(new Date('2028-02-29T00:00:00Z'), 1)).toEqual(new Date('2029-02-28T00:00:00Z'));
  });

  it.each(['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa2048-sha256'] as const)(
    'writes the signature certificate with the four facts and pointers (%s)',
    async (algorithm) => {
      const h = await hierarchy(algorithm);
      const key = simulatedCardKey(algorithm);
      const der = await issueCardCertificate(
        h.issuing['jpki-signature'],
        {
          purpose: 'jpki-signature',
          cardProfile: algorithm === 'rsa2048-sha256' ? 'legacy-rsa2048' : 'next-gen',
          cardNumber: 'A00000000017',
          publicKey: key.publicKey,
          subject: FICTIONAL_PERSON,
          serialNumber: randomSerialNumber(),
          notBefore: now,
        },
        points,
      );
      // Canonical DER: the library's own certificate schema re-encodes it to the same bytes.
      expect(Buffer.from(AsnConvert.serialize(AsnConvert.parse(der, Certificate)))).toEqual(Buffer.from(der));
      const cert = new x509.X509Certificate(der);
      const issuer = new x509.X509Certificate(h.issuing['jpki-signature'].certificate);
      expect(await cert.verify({ publicKey: issuer.publicKey, signatureOnly: true })).toBe(true);
      expect(cert.subject).toContain('CN=試験 花子');
      expect(cert.subject).toContain(FICTIONAL_PERSON.address);
      const ku = cert.getExtension(x509.KeyUsagesExtension)!;
      expect(ku.critical).toBe(true);
      expect(ku.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation);
      expect(cert.getExtension(x509.ExtendedKeyUsageExtension)).toBeNull();
      expect(cert.getExtension(x509.CertificatePolicyExtension)!.policies).toEqual([OID.policyJpkiSignature]);
      const dp = cert.getExtension(x509.CRLDistributionPointsExtension)!;
      expect(JSON.stringify(dp.distributionPoints)).toContain(
        `http://pki.test/v1/crl/${h.issuing['jpki-signature'].id}.crl`,
      );
      const aia = cert.getExtension(x509.AuthorityInfoAccessExtension)!;
      expect(aia.ocsp.map((n) => n.value)).toEqual(['http://pki.test/v1/ocsp']);
      const sda = cert.getExtension('2.5.29.9')!;
      expect(Buffer.from(sda.value).toString('latin1')).toContain('19900401000000Z');
    },
  );

  it('keeps personal facts out of the user-authentication certificate', async () => {
    const h = await hierarchy('ecdsa-p256-sha256');
    const key = simulatedCardKey('ecdsa-p256-sha256');
    const der = await issueCardCertificate(
      h.issuing['jpki-user-authentication'],
      {
        purpose: 'jpki-user-authentication',
        cardProfile: 'next-gen',
        cardNumber: 'A00000000017',
        publicKey: key.publicKey,
        serialNumber: randomSerialNumber(),
        notBefore: now,
      },
      points,
    );
    const cert = new x509.X509Certificate(der);
    expect(cert.subject).not.toContain('A00000000017');
    expect(cert.getExtension('2.5.29.9')).toBeNull();
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([OID.kpClientAuth]);
  });

  it('marks the card-authentication certificate with the PIV card-auth purpose and the card number', async () => {
    const h = await hierarchy('ecdsa-p384-sha384');
    const key = simulatedCardKey('ecdsa-p384-sha384');
    const der = await issueCardCertificate(
      h.issuing['card-authentication'],
      {
        purpose: 'card-authentication',
        cardProfile: 'next-gen',
        cardNumber: 'A00000000017',
        publicKey: key.publicKey,
        serialNumber: randomSerialNumber(),
        notBefore: now,
      },
      points,
    );
    const cert = new x509.X509Certificate(der);
    expect(cert.subject).toContain('A00000000017');
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([OID.kpPivCardAuth]);
    expect(cert.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-384' } });
  });
});

describe('public keys and proof of possession', () => {
  const input = { cardNumber: 'A00000000017', purpose: 'jpki-signature' as const, attemptId: 'attempt-1' };

  it('accepts an on-card key with a valid proof, raw or DER, and refuses any other binding', () => {
    for (const algorithm of ['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa2048-sha256'] as const) {
      const key = simulatedCardKey(algorithm);
      expect(validatePublicKey(key.publicKey, algorithm)).toEqual(key.publicKey);
      const proof = simulatedProof(algorithm, key, input);
      expect(verifyProofOfPossession({ ...input, publicKey: key.publicKey }, algorithm, proof)).toBe(true);
      if (algorithm !== 'rsa2048-sha256')
        expect(
          verifyProofOfPossession(
            { ...input, publicKey: key.publicKey },
            algorithm,
            simulatedProof(algorithm, key, input, 'der'),
          ),
        ).toBe(true);
      expect(
        verifyProofOfPossession(
          { ...input, cardNumber: 'A00000000025', publicKey: key.publicKey },
          algorithm,
          proof,
        ),
      ).toBe(false);
      expect(
        verifyProofOfPossession(
          { ...input, purpose: 'card-authentication', publicKey: key.publicKey },
          algorithm,
          proof,
        ),
      ).toBe(false);
      const other = simulatedCardKey(algorithm);
      expect(verifyProofOfPossession({ ...input, publicKey: other.publicKey }, algorithm, proof)).toBe(false);
    }
  });

  it('spells the proof message out so the card side can build it', () => {
    const message = Buffer.from(proofOfPossessionMessage({ ...input, publicKey: new Uint8Array([1, 2, 3]) }));
    const keyHash = createHash('sha256')
      .update(new Uint8Array([1, 2, 3]))
      .digest('hex');
    expect(message.toString('utf8')).toBe(
      `mnc-pki-pop/v1\nA00000000017\njpki-signature\nattempt-1\n${keyHash}`,
    );
  });

  it('refuses a point off the curve, the wrong curve, garbage and a short RSA key', () => {
    const key = simulatedCardKey('ecdsa-p256-sha256');
    const spki = AsnConvert.parse(key.publicKey, SubjectPublicKeyInfo);
    const point = new Uint8Array(spki.subjectPublicKey);
    point[64] = point[64]! ^ 0x01; // y no longer matches x
    const offCurve = new Uint8Array(
      AsnConvert.serialize(
        new SubjectPublicKeyInfo({ algorithm: spki.algorithm, subjectPublicKey: point.buffer }),
      ),
    );
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as PkiRequestError).code;
      }
      return 'accepted';
    };
    expect(code(() => validatePublicKey(offCurve, 'ecdsa-p256-sha256'))).toBe('public-key-not-on-curve');
    expect(code(() => validatePublicKey(key.publicKey, 'ecdsa-p384-sha384'))).toBe(
      'public-key-algorithm-mismatch',
    );
    expect(code(() => validatePublicKey(new Uint8Array([0x30, 0x03, 1, 2, 3]), 'ecdsa-p256-sha256'))).toBe(
      'public-key-malformed',
    );
    expect(code(() => validatePublicKey(key.publicKey, 'rsa2048-sha256'))).toBe(
      'public-key-algorithm-mismatch',
    );
  });
});

describe('CRL', () => {
  it('carries reasons and the death sub-reason as an entry extension', async () => {
    const h = await hierarchy('ecdsa-p256-sha256');
    const issuer = h.issuing['jpki-signature'];
    const death = randomSerialNumber();
    const held = randomSerialNumber();
    const der = await signCrl({
      issuer,
      crlNumber: 7,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 86_400_000),
      entries: [
        { serialNumber: death, revokedAt: now, reason: 'affiliationChanged', subReason: 'death' },
        { serialNumber: held, revokedAt: now, reason: 'certificateHold' },
      ],
    });
    const crl = new x509.X509Crl(der);
    expect(await crl.verify({ publicKey: new x509.X509Certificate(issuer.certificate).publicKey })).toBe(
      true,
    );
    const deathEntry = crl.findRevoked(Buffer.from(death).toString('hex'))!;
    expect(deathEntry.reason).toBe(x509.X509CrlReason.affiliationChanged);
    const ext = deathEntry.extensions.find((e) => e.type === OID.revocationSubReason)!;
    expect(parseSubReason(ext.value)).toBe('death');
    expect(crl.findRevoked(Buffer.from(held).toString('hex'))!.reason).toBe(
      x509.X509CrlReason.certificateHold,
    );
  });
});

describe('OCSP', () => {
  it('answers a request for a revoked certificate with a response its CA signed', async () => {
    const h = await hierarchy('rsa2048-sha256');
    const issuer = h.issuing['jpki-user-authentication'];
    const issuerCert = AsnConvert.parse(
      issuer.certificate,
      (await import('@peculiar/asn1-x509')).Certificate,
    );
    const serial = randomSerialNumber();
    const certId = new CertID({
      hashAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha1, parameters: null }),
      issuerNameHash: new OctetString(
        createHash('sha1')
          .update(Buffer.from(AsnConvert.serialize(issuerCert.tbsCertificate.subject)))
          .digest(),
      ),
      issuerKeyHash: new OctetString(
        createHash('sha1')
          .update(Buffer.from(issuerCert.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey))
          .digest(),
      ),
      serialNumber: serial.slice().buffer,
    });
    const requestDer = new Uint8Array(
      AsnConvert.serialize(
        new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new Request({ reqCert: certId })] }) }),
      ),
    );
    const parsed = parseOcspRequest(requestDer);
    expect(certIdMatchesIssuer(parsed.certIds[0]!, issuer.name, issuer.signer.publicKey)).toBe(true);
    expect(certIdMatchesIssuer(parsed.certIds[0]!, h.root.name, h.root.signer.publicKey)).toBe(false);
    const responseDer = await signOcspResponse({
      responder: issuer,
      answers: [
        {
          certId: parsed.certIds[0]!,
          status: { status: 'revoked', revokedAt: now, reason: 'affiliationChanged', subReason: 'death' },
        },
      ],
      producedAt: now,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 3_600_000),
    });
    const response = AsnConvert.parse(responseDer, OCSPResponse);
    const basic = AsnConvert.parse(response.responseBytes!.response, BasicOCSPResponse);
    const single = basic.tbsResponseData.responses[0]!;
    expect(single.certStatus.revoked?.revocationReason?.reason).toBe(3);
    expect(parseSubReason(single.singleExtensions![0]!.extnValue.buffer)).toBe('death');
    const signed = new Uint8Array(AsnConvert.serialize(basic.tbsResponseData));
    expect(
      verifySignature('rsa2048-sha256', issuer.signer.publicKey, signed, new Uint8Array(basic.signature)),
    ).toBe(true);
  });
});
