import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { BasicOCSPResponse, OCSPResponse } from '@peculiar/asn1-ocsp';
import { loadConfig } from '@mnc/config';
import { cardNumberFor } from '@mnc/domain-issuance';
import { HttpCertificateAuthority, PkiError, type IssuedCertificate } from '@mnc/pki-client';
import {
  FICTIONAL_PERSON,
  OpensslWorkspace,
  pem,
  simulatedCardKey,
  simulatedProof,
  verifySignature,
  type CardKeyPurpose,
  type SignatureAlgorithm,
} from '@mnc/pki-core';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { testDatabaseUrl, uniqueName } from '@mnc/testing';
import { pkiStage } from './index';

/**
 * The CA service on real Postgres (a database of its own) behind its real HTTP server, with two instances
 * started at once on that database; openssl is the independent reader of everything it publishes.
 */
jest.setTimeout(120_000);

const database = uniqueName('mnc_pki_it');
const masterKey = randomBytes(32).toString('hex');
const ws = new OpensslWorkspace();
let first: RunningPipeline;
let second: RunningPipeline;
let ca: HttpCertificateAuthority;
let caList: { id: string; role: string; algorithm: string; certificate: string; chain: string[] }[];

async function admin(sql: string, url = testDatabaseUrl()): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
const databaseUrl = () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
};
const start = () =>
  startPipeline({
    processName: 'pki',
    stages: [pkiStage],
    config: loadConfig({
      DATABASE_URL: databaseUrl(),
      MNC_MASTER_KEY: masterKey,
      MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
      MNC_BUS: 'memory',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      PKI_PUBLIC_URL: 'http://pki.test/',
    }),
  });

beforeAll(async () => {
  await admin(`CREATE DATABASE ${database}`);
  // Two instances bootstrap the hierarchy at once: one creates it, the other loads it.
  [first, second] = await Promise.all([start(), start()]);
  ca = new HttpCertificateAuthority(first.url);
  caList = (await (await fetch(`${first.url}/v1/ca`)).json()) as typeof caList;
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

let sequence = BigInt(Date.now()) * 1000n;
const newCard = () => ({ applicationId: randomUUID(), cardNumber: cardNumberFor(sequence++ % 2n ** 50n) });
const profileOf = (algorithm: SignatureAlgorithm) =>
  algorithm === 'rsa2048-sha256' ? 'legacy-rsa2048' : 'next-gen';

async function issue(
  card: { applicationId: string; cardNumber: string },
  algorithm: SignatureAlgorithm,
  purpose: CardKeyPurpose,
  attemptId = `attempt-${randomUUID()}`,
): Promise<IssuedCertificate> {
  const key = simulatedCardKey(algorithm);
  return ca.issueCertificate({
    ...card,
    attemptId,
    cardProfile: profileOf(algorithm),
    algorithm,
    purpose,
    publicKey: Buffer.from(key.publicKey).toString('base64'),
    proof: Buffer.from(simulatedProof(algorithm, key, { ...card, purpose, attemptId })).toString('base64'),
    ...(purpose === 'jpki-signature' ? { subject: FICTIONAL_PERSON } : {}),
  });
}

const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const caPem = (id: string) => pem('CERTIFICATE', der(caList.find((c) => c.id === id)!.certificate));
const rootsFile = () =>
  ws.file(
    'roots.pem',
    caList
      .filter((c) => c.role === 'root')
      .map((c) => pem('CERTIFICATE', der(c.certificate)))
      .join(''),
  );

async function refusal(work: () => Promise<unknown>): Promise<PkiError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof PkiError) return error;
    throw error;
  }
  throw new Error('the CA accepted the request');
}

it('created one hierarchy per algorithm family, once, although two instances started together', async () => {
  expect(caList.map((c) => c.id).sort()).toHaveLength(18);
  const fromSecond = (await (await fetch(`${second.url}/v1/ca`)).json()) as typeof caList;
  expect(fromSecond.map((c) => c.certificate).sort()).toEqual(caList.map((c) => c.certificate).sort());
});

describe.each(['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa2048-sha256'] as const)('%s', (algorithm) => {
  it.each(['jpki-signature', 'jpki-user-authentication', 'card-authentication'] as const)(
    'issues a %s certificate for an on-card key that openssl verifies up to the root',
    async (purpose) => {
      const issued = await issue(newCard(), algorithm, purpose);
      const leaf = ws.file(`${issued.serialNumber}.pem`, pem('CERTIFICATE', der(issued.certificate)));
      const chain = ws.file(`${issued.serialNumber}-chain.pem`, pem('CERTIFICATE', der(issued.chain[0]!)));
      expect(ws.run(['verify', '-x509_strict', '-CAfile', rootsFile(), '-untrusted', chain, leaf])).toContain(
        ': OK',
      );
      expect(issued.algorithm).toBe(algorithm);
      const years = (Date.parse(issued.notAfter) - Date.parse(issued.notBefore)) / (365.25 * 86_400_000);
      expect(Math.round(years)).toBe(algorithm === 'rsa2048-sha256' ? 5 : 10);
    },
  );

  it('signs AP data that verifies with the published signer key, and one flipped byte fails', async () => {
    const card = newCard();
    const data = randomBytes(3000);
    const signed = await ca.signApData({
      ...card,
      cardProfile: profileOf(algorithm),
      algorithm,
      label: 'text-ap',
      data: data.toString('base64'),
    });
    const published = caList.find((c) => c.role === 'ap-data-signer' && c.algorithm === algorithm)!;
    expect(signed.signerCertificate).toBe(published.certificate);
    const spki = new Uint8Array(
      AsnConvert.serialize(
        AsnConvert.parse(der(published.certificate), Certificate).tbsCertificate.subjectPublicKeyInfo,
      ),
    );
    expect(verifySignature(algorithm, spki, data, der(signed.signature))).toBe(true);
    const tampered = Buffer.from(data);
    tampered[1234] ^= 0x01;
    expect(verifySignature(algorithm, spki, tampered, der(signed.signature))).toBe(false);
    // openssl agrees, and the signer's certificate chains to the published root.
    const signature = ws.file(`${algorithm}-ap.sig`, der(signed.signature));
    const signerPem = ws.file(
      `${algorithm}-ap-signer.pem`,
      pem('CERTIFICATE', der(signed.signerCertificate)),
    );
    const pub = ws.run(['x509', '-in', signerPem, '-noout', '-pubkey']);
    const pubFile = ws.file(`${algorithm}-ap.pub`, pub.slice(pub.indexOf('-----BEGIN')));
    const digest = algorithm === 'ecdsa-p384-sha384' ? '-sha384' : '-sha256';
    expect(
      ws.run([
        'dgst',
        digest,
        '-verify',
        pubFile,
        '-signature',
        signature,
        ws.file(`${algorithm}-ap.bin`, data),
      ]),
    ).toContain('Verified OK');
    expect(
      ws.attempt([
        'dgst',
        digest,
        '-verify',
        pubFile,
        '-signature',
        signature,
        ws.file(`${algorithm}-ap-bad.bin`, tampered),
      ]).ok,
    ).toBe(false);
    const chain = ws.file(`${algorithm}-ap-chain.pem`, pem('CERTIFICATE', der(signed.chain[0]!)));
    expect(ws.run(['verify', '-CAfile', rootsFile(), '-untrusted', chain, signerPem])).toContain(': OK');
  });
});

describe('retries', () => {
  it('answers concurrent retries of one attempt with one and the same certificate', async () => {
    const card = newCard();
    const key = simulatedCardKey('ecdsa-p256-sha256');
    const attemptId = 'attempt-retried';
    const request = {
      ...card,
      attemptId,
      cardProfile: 'next-gen' as const,
      purpose: 'card-authentication' as const,
      publicKey: Buffer.from(key.publicKey).toString('base64'),
      proof: Buffer.from(
        simulatedProof('ecdsa-p256-sha256', key, { ...card, purpose: 'card-authentication', attemptId }),
      ).toString('base64'),
    };
    const [a, b] = await Promise.all([
      ca.issueCertificate(request),
      new HttpCertificateAuthority(second.url).issueCertificate(request),
    ]);
    expect(b.serialNumber).toBe(a.serialNumber);
    expect(b.certificate).toBe(a.certificate);
    expect((await ca.cardStatus(card.cardNumber)).certificates).toHaveLength(1);
  });
});

describe('refusals', () => {
  it('refuses a public key that is not on the curve', async () => {
    const card = newCard();
    const key = simulatedCardKey('ecdsa-p256-sha256');
    const spki = AsnConvert.parse(key.publicKey, SubjectPublicKeyInfo);
    const point = new Uint8Array(spki.subjectPublicKey);
    point[40] ^= 0x01;
    const bad = new Uint8Array(
      AsnConvert.serialize(
        new SubjectPublicKeyInfo({ algorithm: spki.algorithm, subjectPublicKey: point.buffer }),
      ),
    );
    const attemptId = 'a-off-curve';
    const error = await refusal(() =>
      ca.issueCertificate({
        ...card,
        attemptId,
        cardProfile: 'next-gen',
        purpose: 'card-authentication',
        publicKey: Buffer.from(bad).toString('base64'),
        proof: Buffer.from(
          simulatedProof('ecdsa-p256-sha256', key, { ...card, purpose: 'card-authentication', attemptId }),
        ).toString('base64'),
      }),
    );
    expect([error.status, error.code, error.field]).toEqual([422, 'public-key-not-on-curve', 'publicKey']);
  });

  it('refuses a malformed public key and a key of the wrong family', async () => {
    const card = newCard();
    const base = {
      ...card,
      attemptId: 'a-1',
      cardProfile: 'next-gen' as const,
      purpose: 'card-authentication' as const,
      proof: 'AAAA',
    };
    expect((await refusal(() => ca.issueCertificate({ ...base, publicKey: 'MAMCAQE=' }))).code).toBe(
      'public-key-malformed',
    );
    const rsa = simulatedCardKey('rsa2048-sha256');
    const error = await refusal(() =>
      ca.issueCertificate({ ...base, publicKey: Buffer.from(rsa.publicKey).toString('base64') }),
    );
    expect([error.code, error.field]).toEqual(['public-key-algorithm-mismatch', 'publicKey']);
  });

  it('refuses a proof that does not verify (made for another card)', async () => {
    const card = newCard();
    const key = simulatedCardKey('ecdsa-p384-sha384');
    const attemptId = 'a-proof';
    const error = await refusal(() =>
      ca.issueCertificate({
        ...card,
        attemptId,
        cardProfile: 'next-gen',
        algorithm: 'ecdsa-p384-sha384',
        purpose: 'jpki-user-authentication',
        publicKey: Buffer.from(key.publicKey).toString('base64'),
        proof: Buffer.from(
          simulatedProof('ecdsa-p384-sha384', key, {
            ...newCard(),
            purpose: 'jpki-user-authentication',
            attemptId,
          }),
        ).toString('base64'),
      }),
    );
    expect([error.status, error.code, error.field]).toEqual([422, 'proof-invalid', 'proof']);
  });

  it('refuses a second live certificate for the same card and purpose until the spoiled attempt is revoked', async () => {
    const card = newCard();
    const spoiled = await issue(card, 'ecdsa-p256-sha256', 'jpki-user-authentication', 'attempt-1');
    const error = await refusal(() =>
      issue(card, 'ecdsa-p256-sha256', 'jpki-user-authentication', 'attempt-2'),
    );
    expect([error.status, error.code, error.field]).toEqual([409, 'live-certificate-exists', 'cardNumber']);
    // The same attempt again with another key is a conflict, not a second certificate.
    expect(
      (await refusal(() => issue(card, 'ecdsa-p256-sha256', 'jpki-user-authentication', 'attempt-1'))).code,
    ).toBe('conflict');
    const status = await ca.revoke({
      cardNumber: card.cardNumber,
      attemptId: 'attempt-1',
      reason: 'cessationOfOperation',
    });
    expect(status.certificates.find((c) => c.serialNumber === spoiled.serialNumber)!.state).toBe('revoked');
    const reissued = await issue(card, 'ecdsa-p256-sha256', 'jpki-user-authentication', 'attempt-2');
    expect(reissued.serialNumber).not.toBe(spoiled.serialNumber);
  });

  it('refuses an unknown card: a malformed card number on issue, a card never issued to on revoke and status', async () => {
    const bad = await refusal(() =>
      issue(
        { applicationId: randomUUID(), cardNumber: 'A0000000001X' },
        'ecdsa-p256-sha256',
        'card-authentication',
      ),
    );
    expect([bad.status, bad.code, bad.field]).toEqual([422, 'unknown-card', 'cardNumber']);
    const never = newCard().cardNumber;
    const revoke = await refusal(() => ca.revoke({ cardNumber: never, reason: 'keyCompromise' }));
    expect([revoke.status, revoke.code, revoke.field]).toEqual([404, 'unknown-card', 'cardNumber']);
    expect((await refusal(() => ca.cardStatus(never))).code).toBe('unknown-card');
  });

  it('answers RFC 9457 problem+json naming the field', async () => {
    const response = await fetch(`${first.url}/v1/certificates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        cardProfile: 'next-gen',
        purpose: 'jpki-signature',
        algorithm: 'rsa2048-sha256',
      }),
    });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining([
        'applicationId',
        'cardNumber',
        'attemptId',
        'algorithm',
        'publicKey',
        'proof',
        'subject',
      ]),
    );
  });
});

describe('revocation, CRLs and OCSP', () => {
  it('publishes revocations with reasons (death included) and holds in the CRL at once, and drops released holds', async () => {
    const dead = newCard();
    const deadCert = await issue(dead, 'ecdsa-p256-sha256', 'jpki-signature');
    const held = newCard();
    const heldCert = await issue(held, 'ecdsa-p256-sha256', 'jpki-signature');
    const compromised = newCard();
    const compromisedCert = await issue(compromised, 'ecdsa-p256-sha256', 'jpki-signature');
    await ca.revoke({ cardNumber: dead.cardNumber, reason: 'affiliationChanged', subReason: 'death' });
    await ca.hold({ cardNumber: held.cardNumber });
    await ca.revoke({
      cardNumber: compromised.cardNumber,
      purposes: ['jpki-signature'],
      reason: 'keyCompromise',
    });
    // Operators' list of recent revocations and holds (the dashboard's), newest first.
    const recent = (await (await fetch(`${first.url}/v1/revocations?limit=500`)).json()) as {
      items: { serialNumber: string; status: string; reason: string | null; subReason: string | null }[];
    };
    const listed = (serial: string) => recent.items.find((i) => i.serialNumber === serial);
    expect(listed(deadCert.serialNumber)).toMatchObject({
      status: 'revoked',
      reason: 'affiliationChanged',
      subReason: 'death',
    });
    expect(listed(heldCert.serialNumber)).toMatchObject({ status: 'on-hold', reason: 'certificateHold' });
    expect(listed(compromisedCert.serialNumber)).toMatchObject({
      status: 'revoked',
      reason: 'keyCompromise',
    });
    expect((await fetch(`${first.url}/v1/revocations?limit=0`)).status).toBe(422);

    const crlText = async () => {
      const response = await fetch(`${second.url}/v1/crl/p256-jpki-signature.crl`);
      expect(response.headers.get('content-type')).toBe('application/pkix-crl');
      const file = ws.file(`crl-${randomUUID()}.der`, new Uint8Array(await response.arrayBuffer()));
      const ca = ws.file('p256-sig-ca.pem', caPem('p256-jpki-signature'));
      expect(ws.run(['crl', '-inform', 'DER', '-in', file, '-noout', '-CAfile', ca])).toContain('verify OK');
      return ws.run(['crl', '-inform', 'DER', '-in', file, '-noout', '-text']);
    };
    const entry = (text: string, serial: string) =>
      text.split('Serial Number: ').find((b) => b.toLowerCase().startsWith(serial)) ?? '';
    let text = await crlText();
    expect(text).toContain('Next Update:');
    expect(entry(text, deadCert.serialNumber)).toContain('Affiliation Changed');
    expect(entry(text, deadCert.serialNumber)).toMatch(/1\.3\.6\.1\.4\.1\.32473\.2\.1: \n\s+\.\.death/);
    expect(entry(text, heldCert.serialNumber)).toContain('Certificate Hold');
    expect(entry(text, compromisedCert.serialNumber)).toContain('Key Compromise');

    const status = await ca.releaseHold({ cardNumber: held.cardNumber });
    expect(status.certificates[0]!.state).toBe('good');
    text = await crlText();
    expect(entry(text, heldCert.serialNumber)).toBe('');
    expect(entry(text, deadCert.serialNumber)).toContain('Affiliation Changed');
    const deadStatus = await ca.cardStatus(dead.cardNumber);
    expect(deadStatus.certificates[0]).toMatchObject({
      state: 'revoked',
      reason: 'affiliationChanged',
      subReason: 'death',
    });
  });

  it('answers openssl ocsp with good, revoked and unknown for a registered verifier only', async () => {
    const verifier = (await (
      await fetch(`${first.url}/v1/verifiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'test relying party' }),
      })
    ).json()) as { token: string };
    for (const algorithm of ['ecdsa-p256-sha256', 'ecdsa-p384-sha384', 'rsa2048-sha256'] as const) {
      const goodCard = newCard();
      const good = await issue(goodCard, algorithm, 'card-authentication');
      const revokedCard = newCard();
      const revoked = await issue(revokedCard, algorithm, 'card-authentication');
      await ca.revoke({
        cardNumber: revokedCard.cardNumber,
        reason: 'affiliationChanged',
        subReason: 'death',
      });
      const issuer = ws.file(`${algorithm}-ocsp-ca.pem`, pem('CERTIFICATE', der(good.chain[0]!)));
      const goodFile = ws.file(`${good.serialNumber}.pem`, pem('CERTIFICATE', der(good.certificate)));
      const revokedFile = ws.file(
        `${revoked.serialNumber}.pem`,
        pem('CERTIFICATE', der(revoked.certificate)),
      );
      const trust = ws.file(
        `${algorithm}-trust.pem`,
        caPem(caList.find((c) => c.role === 'root' && c.algorithm === algorithm)!.id) +
          pem('CERTIFICATE', der(good.chain[0]!)),
      );
      const ask = (extra: string[], token = verifier.token) =>
        ws.attemptAsync([
          'ocsp',
          '-issuer',
          issuer,
          ...extra,
          '-url',
          `${second.url}/v1/ocsp`,
          '-header',
          `Authorization=Bearer ${token}`,
          '-CAfile',
          trust,
          '-resp_text',
        ]);
      const goodAnswer = await ask(['-cert', goodFile]);
      expect(goodAnswer.output).toContain('Response verify OK');
      expect(goodAnswer.output).toContain(`${goodFile}: good`);
      const revokedAnswer = await ask(['-cert', revokedFile]);
      expect(revokedAnswer.output).toContain(`${revokedFile}: revoked`);
      expect(revokedAnswer.output).toContain('Reason: affiliationChanged');
      expect(revokedAnswer.output).toMatch(/1\.3\.6\.1\.4\.1\.32473\.2\.1: \n\s+\.\.death/);
      const unknownAnswer = await ask(['-serial', '0x5EED0000000000000000000000000001']);
      expect(unknownAnswer.output).toContain('Response verify OK');
      expect(unknownAnswer.output).toMatch(/0x5EED0000000000000000000000000001: unknown/i);
      // Nonce echoed (openssl checks it by default and would warn otherwise).
      expect(goodAnswer.output).not.toContain('WARNING: no nonce');
      expect((await ask(['-cert', goodFile], 'not-a-registered-token')).ok).toBe(false);
    }
  });

  it('answers OCSP over GET (RFC 6960 Appendix A)', async () => {
    const card = newCard();
    const issued = await issue(card, 'ecdsa-p256-sha256', 'jpki-user-authentication');
    const verifier = (await (
      await fetch(`${first.url}/v1/verifiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'GET relying party' }),
      })
    ).json()) as { token: string };
    const requestFile = ws.file('get.req', '');
    ws.run([
      'ocsp',
      '-issuer',
      ws.file('get-ca.pem', pem('CERTIFICATE', der(issued.chain[0]!))),
      '-cert',
      ws.file('get-leaf.pem', pem('CERTIFICATE', der(issued.certificate))),
      '-no_nonce',
      '-reqout',
      requestFile,
    ]);
    const encoded = encodeURIComponent(readFileSync(requestFile).toString('base64'));
    const response = await fetch(`${first.url}/v1/ocsp/${encoded}`, {
      headers: { authorization: `Bearer ${verifier.token}` },
    });
    expect(response.headers.get('content-type')).toBe('application/ocsp-response');
    const parsed = AsnConvert.parse(new Uint8Array(await response.arrayBuffer()), OCSPResponse);
    expect(parsed.responseStatus).toBe(0);
    const basic = AsnConvert.parse(parsed.responseBytes!.response, BasicOCSPResponse);
    expect(basic.tbsResponseData.responses[0]!.certStatus.good).toBeNull();
  });
});
