import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '@mnc/config';
import { cardNumberFor } from '@mnc/domain-issuance';
import { HttpCertificateAuthority } from '@mnc/pki-client';
import {
  OpensslWorkspace,
  pem,
  simulatedCardKey,
  simulatedProof,
  type SignatureAlgorithm,
} from '@mnc/pki-core';
import { initSoftHsmToken, SOFTHSM_MODULE } from '@mnc/pki-hsm';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { testDatabaseUrl, uniqueName } from '@mnc/testing';
import { pkiStage } from './index';

/** The CA service with PKI_SIGNER=pkcs11: its whole hierarchy generated inside a SoftHSM2 token. */
jest.setTimeout(180_000);

const database = uniqueName('mnc_pki_hsm_it');
const ws = new OpensslWorkspace();
let pipeline: RunningPipeline;

async function admin(sql: string, url = testDatabaseUrl()): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}
const databaseUrl = () => {
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  return url.toString();
};

beforeAll(async () => {
  initSoftHsmToken('mnc-pki-it', '246810');
  await admin(`CREATE DATABASE ${database}`);
  pipeline = await startPipeline({
    processName: 'pki',
    stages: [pkiStage],
    config: loadConfig({
      DATABASE_URL: databaseUrl(),
      MNC_MASTER_KEY: randomBytes(32).toString('hex'),
      MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
      MNC_BUS: 'memory',
      HTTP_PORT: '0',
      LOG_LEVEL: 'silent',
      PKI_SIGNER: 'pkcs11',
      PKI_PKCS11_MODULE: SOFTHSM_MODULE,
      PKI_PKCS11_TOKEN: 'mnc-pki-it',
      PKI_PKCS11_PIN: '246810',
    }),
  });
});

afterAll(async () => {
  await pipeline?.stop();
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
});

it('keeps no CA private key in the database: every key is in the token', async () => {
  const rows = (await admin(
    'SELECT backend, sealed_private_key IS NULL AS no_key, pkcs11_label FROM pki.ca_keys',
    databaseUrl(),
  )) as { backend: string; no_key: boolean; pkcs11_label: string }[];
  expect(rows).toHaveLength(18);
  expect(rows.every((r) => r.backend === 'pkcs11' && r.no_key && r.pkcs11_label)).toBe(true);
});

it.each(['ecdsa-p384-sha384', 'rsa2048-sha256'] as const)(
  'issues a %s certificate signed inside the token that openssl verifies',
  async (algorithm: SignatureAlgorithm) => {
    const ca = new HttpCertificateAuthority(pipeline.url);
    const card = {
      applicationId: randomUUID(),
      cardNumber: cardNumberFor((BigInt(Date.now()) * 10n + BigInt(algorithm.length)) % 2n ** 50n),
    };
    const key = simulatedCardKey(algorithm);
    const attemptId = `attempt-${algorithm}`;
    const issued = await ca.issueCertificate({
      ...card,
      attemptId,
      cardProfile: algorithm === 'rsa2048-sha256' ? 'legacy-rsa2048' : 'next-gen',
      algorithm,
      purpose: 'jpki-user-authentication',
      publicKey: Buffer.from(key.publicKey).toString('base64'),
      proof: Buffer.from(
        simulatedProof(algorithm, key, { ...card, purpose: 'jpki-user-authentication', attemptId }),
      ).toString('base64'),
    });
    const der = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
    const out = ws.run([
      'verify',
      '-x509_strict',
      '-CAfile',
      ws.file(`${algorithm}-root.pem`, pem('CERTIFICATE', der(issued.chain[1]!))),
      '-untrusted',
      ws.file(`${algorithm}-ca.pem`, pem('CERTIFICATE', der(issued.chain[0]!))),
      ws.file(`${algorithm}-leaf.pem`, pem('CERTIFICATE', der(issued.certificate))),
    ]);
    expect(out).toContain(': OK');
  },
);
