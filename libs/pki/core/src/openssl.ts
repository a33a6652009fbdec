import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM armour, for handing DER to the openssl CLI in tests. */
export function pem(label: 'CERTIFICATE' | 'X509 CRL', der: Uint8Array): string {
  const body = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${body.replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** A scratch directory and the `openssl` command line, run synchronously; throws with stderr on failure. */
export class OpensslWorkspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'mnc-pki-openssl-'));

  file(name: string, content: string | Uint8Array): string {
    const path = join(this.dir, name);
    writeFileSync(path, content);
    return path;
  }

  /** Runs openssl; returns stdout followed by stderr (openssl reports "verify OK" on stderr). */
  run(args: readonly string[]): string {
    const result = this.attempt(args);
    if (!result.ok) throw new Error(`openssl ${args.join(' ')} failed:\n${result.output}`);
    return result.output;
  }

  /** Runs and returns { ok, output } instead of throwing: for commands expected to fail. */
  attempt(args: readonly string[]): { ok: boolean; output: string } {
    const result = spawnSync('openssl', args, { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  }

  /**
   * Like {@link attempt} without blocking the event loop: for commands that talk to a server running in
   * this same process (openssl ocsp against the responder under test).
   */
  attemptAsync(args: readonly string[]): Promise<{ ok: boolean; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => resolve({ ok: code === 0, output }));
    });
  }
}
