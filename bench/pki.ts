import { performance } from 'node:perf_hooks';
import {
  createSoftwareHierarchy,
  issueCardCertificate,
  randomSerialNumber,
  simulatedCardKey,
  simulatedProof,
  validatePublicKey,
  verifyProofOfPossession,
  type SignatureAlgorithm,
  type SoftwareEngine,
} from '@mnc/pki-core';
import type { BenchSection } from './section';

export interface PkiIssuanceFigures {
  readonly algorithm: SignatureAlgorithm;
  readonly engine: SoftwareEngine;
  readonly certificates: number;
  /**
   * Certificates per second of this thread's CPU time (TBS encoding, signature, certificate encoding): the
   * rate of one core, less disturbed than wall time when the machine is shared.
   */
  readonly certificatesPerSecond: number;
  /** The same by the wall clock. */
  readonly certificatesPerWallSecond: number;
  /** Per CPU second, plus what the CA checks first: the public key (on the curve) and the proof of possession. */
  readonly withChecksPerSecond: number;
}

export interface PkiBenchFigures {
  readonly runs: readonly PkiIssuanceFigures[];
  /** noble ÷ node:crypto certificates/s, per curve. */
  readonly nobleToNodeRatio: Readonly<Record<string, number>>;
}

const CARD_KEYS = 64;
const DURATION_MS = 2000;

async function measure(algorithm: SignatureAlgorithm, engine: SoftwareEngine): Promise<PkiIssuanceFigures> {
  const points = { baseUrl: 'http://pki.bench/' };
  const hierarchy = await createSoftwareHierarchy(algorithm, points, new Date(), engine);
  const issuer = hierarchy.issuing['card-authentication'];
  // Keys are generated on cards, not by the CA: a pool made beforehand, reused round-robin.
  const cards = Array.from({ length: CARD_KEYS }, (_, i) => {
    const key = simulatedCardKey(algorithm);
    const pop = {
      cardNumber: `A${String(i).padStart(10, '0')}0`,
      purpose: 'card-authentication' as const,
      attemptId: `bench-${i}`,
    };
    return { key, pop, proof: simulatedProof(algorithm, key, pop) };
  });
  const issueOne = (i: number, checks: boolean) => {
    const card = cards[i % CARD_KEYS]!;
    if (checks) {
      validatePublicKey(card.key.publicKey, algorithm);
      if (!verifyProofOfPossession({ ...card.pop, publicKey: card.key.publicKey }, algorithm, card.proof))
        throw new Error('proof did not verify');
    }
    return issueCardCertificate(
      issuer,
      {
        purpose: 'card-authentication',
        cardProfile: 'next-gen',
        cardNumber: card.pop.cardNumber,
        publicKey: card.key.publicKey,
        serialNumber: randomSerialNumber(),
        notBefore: new Date(),
      },
      points,
    );
  };
  const rate = async (checks: boolean) => {
    for (let i = 0; i < 50; i++) await issueOne(i, checks); // warm-up: JIT, precomputed tables
    let count = 0;
    const started = performance.now();
    const cpu = process.cpuUsage();
    while (performance.now() - started < DURATION_MS) {
      await issueOne(count, checks);
      count++;
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      count,
      perSecond: Math.round((count * 1e6) / (used.user + used.system)),
      perWallSecond: Math.round((count * 1000) / wallMs),
    };
  };
  const plain = await rate(false);
  const checked = await rate(true);
  return {
    algorithm,
    engine,
    certificates: plain.count + checked.count,
    certificatesPerSecond: plain.perSecond,
    certificatesPerWallSecond: plain.perWallSecond,
    withChecksPerSecond: checked.perSecond,
  };
}

/**
 * Certificates issued per second on one core (one Node thread, sequential, no worker threads) for P-256 and
 * P-384, signed with @noble/curves and with node:crypto (OpenSSL) in the same run, and their ratio.
 */
export async function measurePki(): Promise<PkiBenchFigures> {
  const runs: PkiIssuanceFigures[] = [];
  for (const algorithm of ['ecdsa-p256-sha256', 'ecdsa-p384-sha384'] as const)
    for (const engine of ['noble', 'node'] as const) runs.push(await measure(algorithm, engine));
  const ratio = (algorithm: SignatureAlgorithm) => {
    const noble = runs.find((r) => r.algorithm === algorithm && r.engine === 'noble')!.certificatesPerSecond;
    const node = runs.find((r) => r.algorithm === algorithm && r.engine === 'node')!.certificatesPerSecond;
    return Math.round((noble / node) * 100) / 100;
  };
  return {
    runs,
    nobleToNodeRatio: { 'P-256': ratio('ecdsa-p256-sha256'), 'P-384': ratio('ecdsa-p384-sha384') },
  };
}

/** The section for bench/run.ts. */
export function pkiSection(): BenchSection {
  return {
    name: 'pki',
    title: 'Certificate authority: certificates issued per second on one core',
    run: async () => {
      const figures = await measurePki();
      const label = (r: PkiIssuanceFigures) =>
        `${r.algorithm === 'ecdsa-p256-sha256' ? 'P-256' : 'P-384'} ${r.engine === 'noble' ? '@noble/curves' : 'node:crypto'}`;
      return {
        figures,
        markdown: [
          '| curve / signer | certificates per CPU second | per wall second | with key and PoP checks (CPU) |',
          '| --- | ---: | ---: | ---: |',
          ...figures.runs.map(
            (r) =>
              `| ${label(r)} | ${r.certificatesPerSecond} | ${r.certificatesPerWallSecond} | ${r.withChecksPerSecond} |`,
          ),
          '',
          `noble ÷ node:crypto: P-256 ${figures.nobleToNodeRatio['P-256']}, P-384 ${figures.nobleToNodeRatio['P-384']}. ` +
            'One Node thread issuing card-authentication certificates back to back (TBS encoding with @peculiar/asn1-x509, ' +
            'signature, certificate encoding); noble uses a precomputed base-point table (window 10). ' +
            'Rates per CPU second of the issuing thread; the wall-clock column drops when other work shares the cores.',
        ],
        chart: figures.runs.map((r) => ({ label: `${label(r)} certs/s`, value: r.certificatesPerSecond })),
      };
    },
  };
}
