import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A name no other test run has used: lower case letters, digits and underscores, so it is valid as a
 * Postgres schema, a Kafka topic or a consumer group. Time first, so leftovers sort by age.
 */
export function uniqueName(prefix: string): string {
  const clean = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  counter = (counter + 1) % 1296;
  return `${clean}_${Date.now().toString(36)}_${counter.toString(36)}${randomBytes(3).toString('hex')}`;
}
