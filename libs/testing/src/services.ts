import { Socket } from 'node:net';

/** Where integration tests find their services; overridable for CI machines with other ports. */
export function testDatabaseUrl(): string {
  return process.env['MNC_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testKafkaBrokers(): string[] {
  return (process.env['MNC_TEST_KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
}

export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/**
 * Fails fast and clearly when a service an integration test needs is down: integration tests never skip.
 * A plain TCP connect, so the message names the service instead of a client's retry exhaustion.
 */
export async function assertServiceReachable(
  what: string,
  hostPort: string,
  timeoutMs = 3000,
): Promise<void> {
  const url = hostPort.includes('://') ? new URL(hostPort) : new URL(`tcp://${hostPort}`);
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || (url.protocol.startsWith('postgres') ? 5432 : 0));
  await new Promise<void>((resolve, reject) => {
    const socket = new Socket();
    const fail = (reason: string) => {
      socket.destroy();
      reject(
        new ServiceUnavailableError(
          `${what} at ${host}:${port} is not reachable (${reason}); start it with: bash infra/start`,
        ),
      );
    };
    socket.setTimeout(timeoutMs, () => fail('timeout'));
    socket.once('error', (error) => fail(error.message));
    socket.connect(port, host, () => {
      socket.end();
      resolve();
    });
  });
}
