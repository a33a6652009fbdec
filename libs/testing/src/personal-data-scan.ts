import fs from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { syntheticApplicant } from '@mnc/synthetic';

/**
 * The security scan: personal data must never reach Kafka or a log line. It looks for the synthetic
 * applicants' own values (my number, full name in kanji and kana, address line) in every record of every
 * topic (values, keys and headers) and every log file of a run.
 */
export interface PersonalDataHit {
  readonly where: string;
  readonly field: string;
  /** The seed of the applicant whose data leaked, not the data itself: the report must not leak it. */
  readonly seed: number;
}

export interface PersonalDataScan {
  readonly needles: number;
  readonly recordsScanned: number;
  readonly topicsScanned: number;
  readonly logLinesScanned: number;
  readonly logFiles: number;
  readonly hits: readonly PersonalDataHit[];
}

interface Needle {
  readonly value: string;
  readonly field: string;
  readonly seed: number;
}

export function personalDataNeedles(seeds: readonly number[]): Needle[] {
  const needles: Needle[] = [];
  for (const seed of seeds) {
    const a = syntheticApplicant(seed);
    const add = (field: string, value: string) => needles.push({ field, value, seed });
    add('myNumber', a.myNumber);
    // Run together, a short name can spell a place (千代 + 田): the spaced forms still catch it.
    if (a.familyName.length + a.givenName.length >= 4) add('name', `${a.familyName}${a.givenName}`);
    add('name', `${a.familyName} ${a.givenName}`);
    add('name', `${a.familyName}\u3000${a.givenName}`);
    add('nameKana', `${a.familyNameKana}${a.givenNameKana}`);
    add('nameKana', `${a.familyNameKana} ${a.givenNameKana}`);
    add('nameKana', `${a.familyNameKana}\u3000${a.givenNameKana}`);
    add('addressLine', a.address.line);
  }
  return needles;
}

/** One pass per haystack whatever the number of needles: a map from each needle's first 2 characters. */
export class NeedleIndex {
  private readonly byPrefix = new Map<string, Needle[]>();
  private readonly prefixLength = 2;

  constructor(needles: readonly Needle[]) {
    for (const needle of needles) {
      if (needle.value.length < this.prefixLength)
        throw new RangeError(`needle shorter than ${this.prefixLength}`);
      const prefix = needle.value.slice(0, this.prefixLength);
      const list = this.byPrefix.get(prefix) ?? [];
      list.push(needle);
      this.byPrefix.set(prefix, list);
    }
  }

  find(haystack: string): Needle[] {
    const found: Needle[] = [];
    for (let i = 0; i + this.prefixLength <= haystack.length; i++) {
      const candidates = this.byPrefix.get(haystack.slice(i, i + this.prefixLength));
      if (!candidates) continue;
      for (const needle of candidates) if (haystack.startsWith(needle.value, i)) found.push(needle);
    }
    return found;
  }
}

async function scanTopics(
  brokers: readonly string[],
  topicPrefix: string,
  index: NeedleIndex,
  hits: PersonalDataHit[],
): Promise<{ records: number; topics: number }> {
  const kafka = new Kafka({
    clientId: 'personal-data-scan',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(topicPrefix));
  const ends = new Map<string, Map<number, bigint>>();
  let expected = 0n;
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    for (const o of offsets) expected += BigInt(o.high) - BigInt(o.low);
  }
  await admin.disconnect();
  if (topics.length === 0 || expected === 0n) return { records: 0, topics: topics.length };

  const consumer = kafka.consumer({ groupId: `personal-data-scan-${Date.now()}-${process.pid}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let records = 0;
  const remaining = new Map<string, bigint>();
  for (const [topic, partitions] of ends)
    for (const [partition, high] of partitions) if (high > 0n) remaining.set(`${topic}/${partition}`, high);
  await new Promise<void>((resolve, reject) => {
    const idle = setTimeout(() => reject(new Error('the topic scan stalled for 120 s')), 120_000);
    const check = (text: string, where: string) => {
      for (const needle of index.find(text)) hits.push({ where, field: needle.field, seed: needle.seed });
    };
    void consumer
      .run({
        eachMessage: async ({ topic, partition, message }) => {
          records++;
          const where = `kafka ${topic}/${partition}@${message.offset}`;
          check(message.value?.toString('utf8') ?? '', where);
          check(message.key?.toString('utf8') ?? '', where);
          for (const value of Object.values(message.headers ?? {})) check(String(value ?? ''), where);
          const key = `${topic}/${partition}`;
          const high = remaining.get(key);
          if (high !== undefined && BigInt(message.offset) + 1n >= high) remaining.delete(key);
          if (remaining.size === 0) {
            clearTimeout(idle);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { records, topics: topics.length };
}

export function scanLogs(
  logDirs: readonly string[],
  index: NeedleIndex,
  hits: PersonalDataHit[],
): { lines: number; files: number } {
  let lines = 0;
  let files = 0;
  const visit = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.log')) {
        files++;
        const text = fs.readFileSync(full, 'utf8').split('\n');
        text.forEach((line, n) => {
          lines++;
          for (const needle of index.find(line))
            hits.push({ where: `${full}:${n + 1}`, field: needle.field, seed: needle.seed });
        });
      }
    }
  };
  logDirs.forEach(visit);
  return { lines, files };
}

export async function scanForPersonalData(options: {
  readonly seeds: readonly number[];
  readonly brokers: readonly string[];
  readonly logDirs: readonly string[];
  readonly topicPrefix?: string;
}): Promise<PersonalDataScan> {
  const needles = personalDataNeedles(options.seeds);
  const index = new NeedleIndex(needles);
  const hits: PersonalDataHit[] = [];
  const topics = await scanTopics(options.brokers, options.topicPrefix ?? 'mnc.', index, hits);
  const logs = scanLogs(options.logDirs, index, hits);
  return {
    needles: needles.length,
    recordsScanned: topics.records,
    topicsScanned: topics.topics,
    logLinesScanned: logs.lines,
    logFiles: logs.files,
    hits,
  };
}
