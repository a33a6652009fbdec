export {
  CardAttemptError,
  PersonalisationError,
  PersonalisationInputError,
  QualityAssuranceError,
  spoilReasonOfAttemptError,
} from './errors';
export type { PersonalisationStep, QaCheck } from './errors';
export { dataFiles, initialPins, keySpecs, personalisationInputFromBundle } from './input';
export type { ApSignatureReference, ChosenPins, DataFile, KeySpec, PersonalisationInput } from './input';
export { personaliseAttempt, proveKeyPossession } from './personalise';
export type { AttemptCertificate, PersonaliseAttemptArgs, PersonalisationResult } from './personalise';
export { qaTrustFromPublishedCas } from './qa-checks';
export type { QaTrust } from './qa-checks';
export { verifyPersonalisedCard } from './verify-card';
export type { QaReport, VerifyPersonalisedCardArgs } from './verify-card';
export { spoilAttempt, SPOILED_CARD_REASON } from './spoil';
export type { SpoilResult } from './spoil';
