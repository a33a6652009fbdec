// Command-line flags of the virtual-card process (a test rig, not a service: flags only, no environment).
import { parseArgs } from 'node:util';
import { VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT } from '@mnc/pcsc';

export interface VirtualCardAppOptions {
  /** One JSON file per card serial. */
  readonly stateDir: string;
  /** Loopback port of the control API. */
  readonly httpPort: number;
  readonly vpcdHost: string;
  readonly vpcdPort: number;
  /** How long an insert request waits for pcscd to poll the card before answering present: false. */
  readonly insertTimeoutMs: number;
  /** RSA-2048 pairs kept ready so legacy cards generate keys instantly; 0 generates on demand like a chip. */
  readonly rsaKeyReserve: number;
}

export const DEFAULT_HTTP_PORT = 35980;

export const USAGE = `usage: virtual-card [--state-dir DIR] [--port N] [--vpcd-host HOST] [--vpcd-port N] [--insert-timeout-ms N]
  --state-dir          directory of card state files (default tmp/virtual-cards)
  --port               control API port on 127.0.0.1 (default ${DEFAULT_HTTP_PORT})
  --vpcd-host          pcscd's vpcd listener (default ${VPCD_DEFAULT_HOST}; keep it on loopback)
  --vpcd-port          ${VPCD_DEFAULT_PORT} is reader "Virtual PCD 00 00", ${VPCD_DEFAULT_PORT + 1} is "... 00 01"
  --insert-timeout-ms  wait for pcscd to see an inserted card (default 3000)
  --rsa-key-reserve    RSA-2048 key pairs made ahead in the background so on-card key generation takes no
                       time (simulated device time zero); default 0: each card generates on demand`;

export class UsageError extends Error {
  readonly code = 'USAGE' as const;
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'UsageError';
  }
}

export function parseOptions(argv: readonly string[]): VirtualCardAppOptions {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        'state-dir': { type: 'string' },
        port: { type: 'string' },
        'vpcd-host': { type: 'string' },
        'vpcd-port': { type: 'string' },
        'insert-timeout-ms': { type: 'string' },
        'rsa-key-reserve': { type: 'string' },
      },
    }) as { values: Record<string, string | undefined> });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    stateDir: values['state-dir'] ?? 'tmp/virtual-cards',
    httpPort: integer(values['port'], 'port', DEFAULT_HTTP_PORT, 0, 65535),
    vpcdHost: values['vpcd-host'] ?? VPCD_DEFAULT_HOST,
    vpcdPort: integer(values['vpcd-port'], 'vpcd-port', VPCD_DEFAULT_PORT, 1, 65535),
    insertTimeoutMs: integer(values['insert-timeout-ms'], 'insert-timeout-ms', 3000, 0, 600_000),
    rsaKeyReserve: integer(values['rsa-key-reserve'], 'rsa-key-reserve', 0, 0, 64),
  };
}

function integer(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new UsageError(`--${name} must be an integer in ${min}..${max}`);
  return value;
}
