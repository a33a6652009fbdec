import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The boundary rule needs Nx's project graph; without it the rule silently skips, which this test would catch.
const root = path.resolve(__dirname, '..');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Lints source text as if it stood at `file`, through the ESLint CLI with the project's config. */
async function lintAs(file: string, code: string): Promise<LintMessage[]> {
  let output: string;
  try {
    output = execFileSync('npx', ['eslint', '--format', 'json', '--stdin', '--stdin-filename', file], {
      cwd: root,
      input: code,
      encoding: 'utf8',
    });
  } catch (error) {
    output = (error as { stdout: string }).stdout; // eslint exits 1 when it reports errors
  }
  const [result] = JSON.parse(output) as { messages: LintMessage[] }[];
  return result.messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');
}

describe('module boundaries', () => {
  beforeAll(() => {
    execFileSync('npx', ['nx', 'show', 'projects'], { cwd: root, stdio: 'ignore' });
  }, 60000);

  it('refuses an app importing another app', async () => {
    const problems = await lintAs(
      'apps/intake/src/cross-import.ts',
      "import '../../photo-screening/src/main';\n",
    );
    expect(problems).toHaveLength(1);
  });

  it("refuses a stage's feature lib importing another stage's", async () => {
    const problems = await lintAs(
      'libs/stages/delivery/src/cross-import.ts',
      "import { intakeStage } from '@mnc/stage-intake';\nexport const stage = intakeStage;\n",
    );
    expect(problems.map((p) => p.message).join('\n')).toMatch(/scope:delivery|type:feature/);
  });

  it('refuses a domain lib importing an infrastructure lib', async () => {
    const problems = await lintAs(
      'libs/domain/capacity/src/cross-import.ts',
      "import { KafkaBus } from '@mnc/messaging';\nexport const bus = KafkaBus;\n",
    );
    expect(problems.map((p) => p.message).join('\n')).toMatch(/type:domain/);
  });

  it('allows a feature lib to use the runtime, infrastructure and contracts', async () => {
    const problems = await lintAs(
      'libs/stages/delivery/src/allowed-import.ts',
      "import { Topics } from '@mnc/contracts';\nimport { Outbox } from '@mnc/messaging';\nexport const used = [Topics, Outbox];\n",
    );
    expect(problems).toHaveLength(0);
  });
});
