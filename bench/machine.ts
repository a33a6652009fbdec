import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What the figures were measured on: every report names its machine, commit and load. */
export const root = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'nx.json'))) dir = path.dirname(dir);
  return dir;
})();

const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
};

export type Machine = ReturnType<typeof machine>;

export function machine() {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  const osRelease = fs.existsSync('/etc/os-release') ? fs.readFileSync('/etc/os-release', 'utf8') : '';
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    os: `${/^PRETTY_NAME="?([^"\n]+)"?$/m.exec(osRelease)?.[1] ?? os.type()} (${os.type()} ${os.release()} ${os.arch()})`,
    commit: git('rev-parse', '--short', 'HEAD'),
    // Uncommitted changes mean the figures are not exactly those of the commit.
    dirty: git('status', '--porcelain', '--', '.', ':!bench/results') !== '',
    date: new Date().toISOString(),
    loadAverageStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    loadAverageEnd: [] as number[],
  };
}
