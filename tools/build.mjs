// Compiles every TypeScript source under apps/, libs/, tools/ and bench/ into dist/ with swc, rewriting the
// @mnc/* path aliases to relative requires so `node dist/...` runs without a loader. Type checking is
// `npm run typecheck`; this only transpiles (about a second for the whole tree), and skips unchanged files.
import fs from 'node:fs';
import path from 'node:path';
import { transformFile } from '@swc/core';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = path.join(root, 'dist');
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));
const paths = Object.fromEntries(Object.entries(compilerOptions.paths).map(([k, v]) => [k, v]));

function* sources(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name === 'lint-fixtures') continue;
      yield* sources(full);
    } else if (
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.d.ts') &&
      !entry.name.includes('.spec.')
    ) {
      yield full;
    }
  }
}

let compiled = 0;
const jobs = [];
for (const top of ['apps', 'libs', 'tools', 'bench']) {
  const dir = path.join(root, top);
  if (!fs.existsSync(dir)) continue;
  for (const file of sources(dir)) {
    const target = path.join(out, path.relative(root, file)).replace(/\.ts$/, '.js');
    if (fs.existsSync(target) && fs.statSync(target).mtimeMs >= fs.statSync(file).mtimeMs) continue;
    jobs.push(
      transformFile(file, {
        swcrc: false,
        sourceMaps: 'inline',
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          baseUrl: root,
          paths,
        },
        module: { type: 'commonjs' },
      }).then(({ code }) => {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, code);
        compiled++;
      }),
    );
  }
}
await Promise.all(jobs);
if (process.argv.includes('--verbose')) console.log(`compiled ${compiled} file(s) into dist/`);
