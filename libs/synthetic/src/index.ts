export * from './applicant';
export * from './application';
export * from './portrait';
export * from './rng';
export {
  FAMILY_NAMES,
  FEMALE_GIVEN_NAMES,
  FICTIONAL_TOWNS,
  MALE_GIVEN_NAMES,
  MUNICIPALITIES,
} from './tables';
export type { Municipality, NameReading } from './tables';
