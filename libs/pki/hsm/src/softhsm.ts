import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/**
 * A fresh SoftHSM2 token in a temporary directory, for tests and development: writes a softhsm2.conf,
 * points SOFTHSM2_CONF at it (SoftHSM reads it when the module initialises, so call this before opening
 * the module in this process), and runs `softhsm2-util --init-token`.
 */
export function initSoftHsmToken(
  label: string,
  pin: string,
  soPin = '87654321',
): { conf: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'mnc-softhsm-'));
  mkdirSync(join(dir, 'tokens'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  // Test support: SoftHSM is configured by this environment variable only, so it is set here.
  // eslint-disable-next-line no-restricted-properties
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  execFileSync(
    'softhsm2-util',
    ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', soPin],
    {
      env,
      stdio: 'ignore',
    },
  );
  // eslint-disable-next-line no-restricted-properties
  process.env.SOFTHSM2_CONF = conf;
  // Under Jest, `process.env` is a sandbox copy that native code never sees; SoftHSM reads the variable
  // with getenv(), so it is also set on the real process object (the one of Node's main context).
  (runInThisContext('process') as NodeJS.Process).env.SOFTHSM2_CONF = conf;
  return { conf, dir };
}
