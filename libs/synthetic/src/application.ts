import { type SyntheticApplicant, syntheticApplicant } from './applicant';
import { type SyntheticPortrait, syntheticPortrait } from './portrait';
import { mulberry32, pick } from './rng';

/** The literal sets of the application events in @mnc/contracts (Channel, Route, CardProfile). */
export type SyntheticChannel = 'counter' | 'online' | 'paper' | 'lost-card-reissue';
export type SyntheticRoute = 'normal' | 'express';
export type SyntheticCardProfile = 'legacy-rsa2048' | 'next-gen';

export interface SyntheticApplication {
  readonly seed: number;
  readonly applicant: SyntheticApplicant;
  readonly portrait: SyntheticPortrait;
  /** The municipality that receives the application: the applicant's own. */
  readonly municipalityCode: string;
  readonly channel: SyntheticChannel;
  readonly route: SyntheticRoute;
  readonly cardProfile: SyntheticCardProfile;
}

// Weighted by repetition: online and counter dominate; lost cards are the express route's main case.
const CHANNELS: readonly SyntheticChannel[] = [
  'online',
  'online',
  'online',
  'counter',
  'counter',
  'paper',
  'lost-card-reissue',
];

/** A complete synthetic application; the same seed always gives the same application, photo bytes included. */
export async function syntheticApplication(seed: number): Promise<SyntheticApplication> {
  const rng = mulberry32(seed);
  const applicant = syntheticApplicant(rng);
  const channel = pick(rng, CHANNELS);
  // A lost-card reissue always takes the express route; others ask for it now and then.
  const route: SyntheticRoute = channel === 'lost-card-reissue' || rng() < 0.1 ? 'express' : 'normal';
  const cardProfile: SyntheticCardProfile = rng() < 0.5 ? 'next-gen' : 'legacy-rsa2048';
  const portrait = await syntheticPortrait(rng);
  return {
    seed,
    applicant,
    portrait,
    municipalityCode: applicant.localGovernmentCode,
    channel,
    route,
    cardProfile,
  };
}
