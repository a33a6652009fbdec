// Runs a TypeScript snippet in a fresh Node process (swc transpiles on require, @mnc aliases resolve as in
// jest), to observe what only a separate process shows: whether it exits by itself, how it handles signals.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../../..');

const HOOK = `
const fs = require('node:fs'), path = require('node:path'), Module = require('node:module');
const { transformSync } = require('@swc/core');
const root = ${JSON.stringify(ROOT)};
const paths = require(path.join(root, 'tsconfig.base.json')).compilerOptions.paths;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, paths[request] ? path.join(root, paths[request][0]) : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename, swcrc: false,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
`;

export interface ChildResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
}

export interface RunningChild {
  readonly pid: number | undefined;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process exits; kills it (SIGKILL) and resolves if it outlives timeoutMs. */
  readonly exited: Promise<ChildResult & { readonly timedOut: boolean }>;
  /** Resolves with stdout so far once it contains `text`. */
  waitForOutput(text: string, timeoutMs: number): Promise<string>;
}

/** Starts `node <entry>` with TypeScript support; `entry` is a .ts file path, `args` its argv. */
export function startTypeScriptChild(
  entry: string,
  args: readonly string[],
  timeoutMs: number,
): RunningChild {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    ['-e', `${HOOK}\nprocess.argv.splice(1, 1);\nrequire(${JSON.stringify(entry)});`, '--', entry, ...args],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  const outputListeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of [...outputListeners]) listener();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<ChildResult & { timedOut: boolean }>((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, elapsedMs: Date.now() - started, timedOut });
    });
  });
  return {
    pid: child.pid,
    kill: (signal) => child.kill(signal),
    exited,
    waitForOutput: (text, waitMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!stdout.includes(text)) return;
          clearTimeout(timer);
          outputListeners.delete(check);
          resolve(stdout);
        };
        const timer = setTimeout(() => {
          outputListeners.delete(check);
          reject(
            new Error(
              `no "${text}" in child output within ${waitMs} ms; stdout: ${stdout}; stderr: ${stderr}`,
            ),
          );
        }, waitMs);
        outputListeners.add(check);
        check();
      }),
  };
}
