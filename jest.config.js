// Tiers told apart by file name: *.unit.spec.ts (no services), *.int.spec.ts (real services), *.e2e.spec.ts,
// *.chaos.spec.ts (the full stack under injected faults).
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [`^${alias}$`, `<rootDir>/${target}`]),
);
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
    },
  ],
};
// @noble/curves and @noble/hashes ship ES modules only; Node (20.19+) requires them natively, Jest's module
// system does not, so they go through swc into CommonJS like the sources.
transform['^.+/node_modules/@noble/.+\\.js$'] = [
  '@swc/jest',
  { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } },
];
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!@noble/)'],
  moduleNameMapper,
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  // Per-project testTimeout is ignored by Jest; integration tests need the minute, e2e specs set their own.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/tools/jest-summary-reporter.js'],
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.unit.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'],
    },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'] },
    // SIGKILLs and service restarts under load; `npm test` runs it short, `npm run test:chaos` in full.
    { ...common, displayName: 'chaos', testMatch: ['<rootDir>/e2e/**/*.chaos.spec.ts'] },
    // Messaging on a three-broker cluster (infra/kafka-cluster): by command, not in CI.
    { ...common, displayName: 'cluster', testMatch: ['<rootDir>/e2e/**/*.cluster.spec.ts'] },
  ],
};
