import { performance } from 'node:perf_hooks';
import { cardNumberFor, SoftwareApDataSigner, type CardProfile } from '@mnc/domain-issuance';
import { generateBundle } from '@mnc/stage-issuance-data';
import { syntheticApplicant, syntheticPortrait } from '@mnc/synthetic';

export interface IssuanceDataFigures {
  readonly profile: CardProfile;
  readonly bundles: number;
  readonly bundlesPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/**
 * Issuance data generation on one core, one bundle at a time: text images, face image (resize and JPEG
 * size search), the five AP files and three signatures (software signer: RSA-2048 for legacy, P-256 for
 * next-gen). Excludes the blob store, the database and the CA round trip.
 */
export async function issuanceDataBench(options: { count?: number } = {}): Promise<IssuanceDataFigures[]> {
  const count = options.count ?? 100;
  const signer = await SoftwareApDataSigner.create();
  const portrait = (await syntheticPortrait(1)).bytes;
  const photo = { hash: `sha256:${'0'.repeat(64)}`, size: portrait.length, mediaType: 'image/jpeg' };
  const figures: IssuanceDataFigures[] = [];
  for (const profile of ['legacy-rsa2048', 'next-gen'] as const) {
    const times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i += 1) {
      const t0 = performance.now();
      await generateBundle(
        {
          applicant: syntheticApplicant(i + 1),
          photo,
          photoBytes: portrait,
          draft: {
            applicationId: '01936f2e-7c1a-7b3d-9e4f-000000000001',
            cardId: '01936f2e-7c1a-7b3d-9e4f-5a6b7c8d9e0f',
            cardNumber: cardNumberFor(BigInt(i)),
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
      times.push(performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    times.sort((a, b) => a - b);
    figures.push({
      profile,
      bundles: count,
      bundlesPerSecond: Math.round((count / seconds) * 10) / 10,
      p50Ms: Math.round(times[Math.floor(count * 0.5)]!),
      p95Ms: Math.round(times[Math.min(count - 1, Math.floor(count * 0.95))]!),
    });
  }
  return figures;
}
