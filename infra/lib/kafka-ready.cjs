// One-shot Kafka readiness probe used by infra/start and infra/status: exit 0 when the broker answers a
// metadata request with itself as a live broker, 1 otherwise. Uses the repo's kafkajs (the apps' client),
// no retries: the calling script owns the polling loop and the deadline.
const path = require('node:path');
const { Kafka, logLevel } = require(path.join(__dirname, '..', '..', 'node_modules', 'kafkajs'));

const broker = process.argv[2] || '127.0.0.1:9092';
const admin = new Kafka({
  clientId: 'infra-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  requestTimeout: 3000,
  retry: { retries: 0 },
}).admin();

(async () => {
  await admin.connect();
  const { brokers } = await admin.describeCluster();
  await admin.listTopics();
  if (brokers.length < 1) throw new Error('no live brokers');
})()
  .then(
    () => (process.exitCode = 0),
    (err) => {
      console.error(err.message);
      process.exitCode = 1;
    },
  )
  .finally(() => admin.disconnect().catch(() => {}));
