import { murmur2, partitionForKey } from './index';

describe('murmur2', () => {
  // The vectors of Kafka's own UtilsTest.testMurmur2 (clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ])('given Kafka’s test vector %j, then the hash is %i', (input, expected) => {
    expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  // Every tail length (0-3 trailing bytes), checked against Kafka's Java murmur2 as quoted by akka's Murmur2Spec.
  it.each([
    ['1', -1993445489],
    ['12', 126087238],
    ['123', -267702483],
    ['1234', -1614185708],
    ['12345', -1188365604],
  ])('given %j, then the hash matches Kafka’s', (input, expected) => {
    expect(murmur2(Buffer.from(input))).toBe(expected);
  });

  it('given random bytes with the high bit set, then it agrees with kafkajs’s independent Long-based port', () => {
    const reference = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer) => number;
    let seed = 42;
    const nextByte = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let length = 0; length < 64; length++) {
      const bytes = Buffer.from(Array.from({ length }, () => nextByte() | 0x80));
      expect(murmur2(bytes)).toBe(reference(bytes));
    }
  });

  it('given any input, then the result is a signed 32-bit integer like Java’s int', () => {
    for (let i = 0; i < 1000; i++) {
      const h = murmur2(Buffer.from(`key-${i}`));
      expect(h | 0).toBe(h);
    }
  });
});

describe('partitionForKey', () => {
  it('given a key, then the partition is toPositive(murmur2) mod partitions, as Kafka’s default partitioner', () => {
    // "foobar" hashes to -790332482; & 0x7fffffff = 1357151166; mod 6 = 0, mod 7 = 3.
    expect(partitionForKey('foobar', 6)).toBe(1357151166 % 6);
    expect(partitionForKey('foobar', 7)).toBe(1357151166 % 7);
  });

  it('given many application ids, then every partition is used and each id always maps to the same one', () => {
    const ids = Array.from(
      { length: 600 },
      (_, i) => `01936f2e-7c1a-7b3d-9e4f-${i.toString(16).padStart(12, '0')}`,
    );

    const partitions = ids.map((id) => partitionForKey(id, 6));

    expect(new Set(partitions)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    expect(ids.map((id) => partitionForKey(id, 6))).toEqual(partitions);
  });

  it('given a non-ASCII key, then it is hashed as UTF-8 bytes (what Kafka clients send)', () => {
    expect(partitionForKey('申請-1', 12)).toBe((murmur2(Buffer.from('申請-1', 'utf8')) & 0x7fffffff) % 12);
  });
});
