import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { bundleFile } from '@mnc/contracts';
import { loadConfig } from '@mnc/config';
import {
  cardNumberFor,
  parseIndexedTemplate,
  signedVisualFaceBytes,
  verifyApSignature,
  VisualTag,
} from '@mnc/domain-issuance';
import { HttpCertificateAuthority } from '@mnc/pki-client';
// The real CA, as a contract test of the AP-signing call: test-only import of another stage.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { pkiStage } from '@mnc/pki-service';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
import { syntheticApplicant, syntheticPortrait } from '@mnc/synthetic';
// Test-only import: the depConstraints have no rule yet that lets spec files use type:testing.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { assertServiceReachable, testDatabaseUrl, uniqueName } from '@mnc/testing';
import { CaApDataSigner } from './ca-ap-data-signer';
import { generateBundle } from './personalisation';

jest.setTimeout(120_000);

describe('AP data signed by the certificate authority over HTTP', () => {
  const databaseName = uniqueName('issuance_ca_it');
  let admin: DataSource;
  let ca: RunningPipeline;
  let blobDir: string;

  beforeAll(async () => {
    await assertServiceReachable('Postgres', testDatabaseUrl());
    admin = new DataSource({ type: 'postgres', url: testDatabaseUrl(), extra: { max: 1 } });
    await admin.initialize();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${databaseName}`;
    blobDir = await mkdtemp(join(tmpdir(), 'issuance-ca-it-'));
    ca = await startPipeline({
      processName: 'pki',
      stages: [pkiStage],
      config: loadConfig({
        MNC_BUS: 'memory',
        DATABASE_URL: url.toString(),
        MNC_MASTER_KEY: randomBytes(32).toString('hex'),
        MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
        BLOB_DIR: blobDir,
        HTTP_PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    });
  });

  afterAll(async () => {
    await ca?.stop();
    await admin?.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin?.destroy();
    if (blobDir) await rm(blobDir, { recursive: true, force: true });
  });

  it.each([
    ['legacy-rsa2048', 'sha256WithRSAEncryption', 'rsa'],
    ['next-gen', 'ecdsa-with-SHA256', 'ec'],
  ] as const)(
    'given a %s card, then its three AP signatures verify with the CA signer certificate',
    async (profile, algorithm, keyType) => {
      const signer = new CaApDataSigner(new HttpCertificateAuthority(ca.url));
      const applicant = syntheticApplicant(201);
      const bundle = await generateBundle(
        {
          applicant,
          photo: { hash: `sha256:${'0'.repeat(64)}`, size: 1, mediaType: 'image/jpeg' },
          photoBytes: (await syntheticPortrait(201)).bytes,
          draft: {
            applicationId: randomUUID(),
            cardId: randomUUID(),
            cardNumber: cardNumberFor(7n),
            cardProfile: profile,
            issuedOn: '2026-11-28',
            secrets:
              profile === 'next-gen'
                ? { securityCode: '0421', puk: '12345678' }
                : {
                    securityCode: '0421',
                    initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
                  },
          },
        },
        signer,
      );
      // generateBundle verified each signature before returning; check the signer is the CA's, and tampering.
      expect(bundle.apSignatures.map((s) => s.algorithm)).toEqual([algorithm, algorithm, algorithm]);
      const face = bundle.apSignatures.find((s) => s.location === 'visual-0002-DF28');
      if (!face) throw new Error('no visual signature');
      const certificate = new X509Certificate(Buffer.from(face.signerCertificate, 'base64'));
      expect(certificate.publicKey.asymmetricKeyType).toBe(keyType);
      expect(certificate.subject).not.toContain('Software AP data signer');

      const template = parseIndexedTemplate(bundleFile(bundle, 'visual', 2), VisualTag.face);
      const signature = template.get(VisualTag.signature);
      if (!signature) throw new Error('no DF28');
      const facts = {
        myNumber: applicant.myNumber,
        familyName: applicant.familyName,
        givenName: applicant.givenName,
        address: '', // the visual AP holds the address as an image only
        birthDate: applicant.birthDate,
        sex: applicant.sex,
        expiresOn: bundle.expiresOn,
      };
      const images = {
        name: template.get(VisualTag.nameImage) ?? Buffer.alloc(0),
        address: template.get(VisualTag.addressImage) ?? Buffer.alloc(0),
        myNumber: Buffer.alloc(0),
        securityCode: template.get(VisualTag.securityCodeImage) ?? Buffer.alloc(0),
        photo: template.get(VisualTag.photo) ?? Buffer.alloc(0),
      };
      const der = Buffer.from(face.signerCertificate, 'base64');
      expect(verifyApSignature(signedVisualFaceBytes(facts, images), signature, face.algorithm, der)).toBe(
        true,
      );
      const tampered = Buffer.from(images.photo);
      tampered[tampered.length - 10] ^= 1;
      expect(
        verifyApSignature(
          signedVisualFaceBytes(facts, { ...images, photo: tampered }),
          signature,
          face.algorithm,
          der,
        ),
      ).toBe(false);
    },
  );
});
