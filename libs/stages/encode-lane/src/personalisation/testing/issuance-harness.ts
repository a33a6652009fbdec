// Test-only: the real CA (libs/pki/service) on a Postgres database of its own, and bundles whose AP data the
// same CA signed, so QA checks them against the CA's published signers. Imported by the specs only.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { loadConfig } from '@mnc/config';
import type { PersonalisationBundle } from '@mnc/contracts';
import {
  assembleBundle,
  cardNumberFor,
  MAX_CARD_SEQUENCE,
  type ApDataSigner,
  type ApSignatureAlgorithm,
} from '@mnc/domain-issuance';
import { CERTIFICATE_AUTHORITY, type CertificateAuthority, type SignatureAlgorithm } from '@mnc/pki-client';
// Test-only imports: the encode lane never depends on the CA service or the test kit at run time.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { pkiStage } from '@mnc/pki-service';
import { startPipeline, type RunningPipeline } from '@mnc/stage-runtime';
import { syntheticApplicant } from '@mnc/synthetic';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { testDatabaseUrl, uniqueName } from '@mnc/testing';
import type { CardProfile } from '@mnc/card-profiles';
import { personalisationInputFromBundle, type ChosenPins, type PersonalisationInput } from '../input';
import { qaTrustFromPublishedCas, type QaTrust } from '../qa-checks';

export interface CaHarness {
  readonly ca: CertificateAuthority;
  readonly trust: QaTrust;
  readonly url: string;
  /** Serial numbers (lower-case hex) on the latest CRL of the CA `id` (e.g. `rsa2048-jpki-signature`). */
  crlSerials(id: string): Promise<string[]>;
  stop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** The CA service in this process (its own database: the CA's tables live in a fixed `pki` schema). */
export async function startCaHarness(): Promise<CaHarness> {
  const database = uniqueName('mnc_lane_pki_it');
  await admin(`CREATE DATABASE ${database}`);
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${database}`;
  let pipeline: RunningPipeline;
  try {
    pipeline = await startPipeline({
      processName: 'pki',
      stages: [pkiStage],
      config: loadConfig({
        DATABASE_URL: url.toString(),
        MNC_MASTER_KEY: randomBytes(32).toString('hex'),
        MNC_LOOKUP_KEY: randomBytes(32).toString('base64'),
        MNC_BUS: 'memory',
        HTTP_PORT: '0',
        LOG_LEVEL: 'silent',
        PKI_PUBLIC_URL: 'http://pki.test/',
      }),
    });
  } catch (error) {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    throw error;
  }
  const published = (await (await fetch(`${pipeline.url}/v1/ca`)).json()) as {
    role: string;
    certificate: string;
  }[];
  return {
    ca: pipeline.app.get<CertificateAuthority>(CERTIFICATE_AUTHORITY),
    trust: qaTrustFromPublishedCas(published),
    url: pipeline.url,
    async crlSerials(id) {
      const response = await fetch(`${pipeline.url}/v1/crl/${id}.crl`);
      if (!response.ok) throw new Error(`no CRL for ${id}: ${response.status}`);
      const crl = AsnConvert.parse(new Uint8Array(await response.arrayBuffer()), CertificateList);
      return (crl.tbsCertList.revokedCertificates ?? []).map((entry) =>
        Buffer.from(entry.userCertificate)
          .toString('hex')
          .replace(/^(00)+/, ''),
      );
    },
    async stop() {
      await pipeline.stop();
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

const AP_ALGORITHM: Readonly<Record<SignatureAlgorithm, ApSignatureAlgorithm>> = {
  'rsa2048-sha256': 'sha256WithRSAEncryption',
  'ecdsa-p256-sha256': 'ecdsa-with-SHA256',
  'ecdsa-p384-sha384': 'ecdsa-with-SHA384',
};

/** The issuance-data port over the CA's signApData, as the issuance-data stage uses it. */
export function caApDataSigner(
  ca: CertificateAuthority,
  card: { applicationId: string; cardNumber: string },
): ApDataSigner {
  return {
    async sign(data, profile, application) {
      const signed = await ca.signApData({
        ...card,
        cardProfile: profile,
        label: application === 'text' ? 'text-ap' : 'visual-ap',
        data: data.toString('base64'),
      });
      return {
        signature: Buffer.from(signed.signature, 'base64'),
        algorithm: AP_ALGORITHM[signed.algorithm],
        signerCertificate: Buffer.from(signed.signerCertificate, 'base64'),
      };
    },
  };
}

const FIXTURE_IMAGE_BYTES = Buffer.from('synthetic image bytes: only issuance-data renders real ones');

export const TEST_PINS: ChosenPins = { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' };

export function newCardNumber(): string {
  return cardNumberFor(BigInt(randomInt(1, 2 ** 47)) % MAX_CARD_SEQUENCE);
}

export interface IssuanceFixture {
  readonly applicationId: string;
  readonly bundle: PersonalisationBundle;
  readonly input: PersonalisationInput;
}

/** A synthetic applicant's bundle with AP data signed by the CA, mapped to the personalisation input. */
export async function issuanceFixture(
  ca: CertificateAuthority,
  profile: CardProfile,
  seed: number,
  /** null: the resident sets the JPKI PINs at hand-over (next-gen only). */
  chosenPins: ChosenPins | null = TEST_PINS,
): Promise<IssuanceFixture> {
  const applicationId = randomUUID();
  const cardNumber = newCardNumber();
  const bundle = await assembleBundle(
    {
      applicationId,
      applicant: syntheticApplicant(seed),
      photo: { hash: `sha256:${'0'.repeat(64)}`, size: 1, mediaType: 'image/jpeg' },
      cardId: randomUUID(),
      cardNumber,
      cardProfile: profile,
      issuedOn: new Date().toISOString().slice(0, 10),
      secrets:
        profile === 'next-gen'
          ? { securityCode: '0421', puk: '12345678' }
          : {
              securityCode: '0421',
              initialPins: { userAuthenticationPin: '1234', signaturePassword: 'TESTPASS1' },
            },
      images: {
        name: FIXTURE_IMAGE_BYTES,
        address: FIXTURE_IMAGE_BYTES,
        myNumber: FIXTURE_IMAGE_BYTES,
        securityCode: FIXTURE_IMAGE_BYTES,
        photo: FIXTURE_IMAGE_BYTES,
      },
      faceImage: { width: 1, height: 1, colour: profile === 'next-gen' },
    },
    caApDataSigner(ca, { applicationId, cardNumber }),
  );
  return {
    applicationId,
    bundle,
    input: personalisationInputFromBundle(bundle, { applicationId, ...(chosenPins ? { chosenPins } : {}) }),
  };
}
