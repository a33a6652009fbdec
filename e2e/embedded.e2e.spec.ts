import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

jest.setTimeout(5 * 60_000);
const root = path.resolve(__dirname, '..');

/** `npm start`'s process, as a newcomer runs it: one process, no Kafka, no Postgres server, no pcscd. */
describe('the embedded default', () => {
  it('delivers a batch of synthetic applications end to end in one process and stops cleanly', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(root, 'dist/apps/embedded/src/main.js'), '--count', '30', '--exit'],
      {
        cwd: root,
        // Only PATH: no DATABASE_URL, no broker, nothing of the full stack leaks in.
        env: { PATH: process.env.PATH ?? '', HTTP_PORT: '0', LOG_LEVEL: 'warn' },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).toMatch(/in-memory bus, embedded Postgres/);
    expect(stdout).toMatch(/^Submitted:\s+30$/m);
    expect(stdout).toMatch(/^Delivered:\s+30$/m);
    expect(stdout).toMatch(/^Throughput:\s+[\d.]+ applications\/s$/m);
  });
});
