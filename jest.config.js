// Five projects, run separately by scripts/test.sh:
//   unit        workflow logic on the time-skipping test server, pure functions
//   integration real Temporal dev server, PostgreSQL, SMTP and the SMS sink
//   security    the holes a security review looks for, each tried (production settings, sign-in, CSV)
//   e2e         the browser against the whole system
//   topology    the production topology (scripts/up.sh --topology production):
//               Temporal server on PostgreSQL over mTLS, worker and API processes
// One throwaway PostgreSQL cluster serves the run (test/harness/globalSetup.ts);
// the topology project starts its own infrastructure (test/topology/harness/).

/** @type {import('jest').Config['transform']} */
const transform = {
  '^.+\\.(t|j)sx?$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};

/** @param {string} name @param {number} testTimeout @returns {import('jest').Config} */
const project = (name, testTimeout) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  // testTimeout is global-only in jest 29; test/harness/jestTimeout.ts applies this per project.
  globals: { CG_TEST_TIMEOUT_MS: testTimeout },
  setupFilesAfterEnv: ['<rootDir>/test/harness/jestTimeout.ts'],
});

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/harness/globalSetup.ts',
  globalTeardown: '<rootDir>/test/harness/globalTeardown.ts',
  projects: [
    project('unit', 30_000),
    project('integration', 60_000),
    project('security', 60_000),
    project('e2e', 120_000),
    {
      ...project('topology', 300_000),
      // The notification system test runs here unchanged, on this project's harness.
      testMatch: ['<rootDir>/test/topology/**/*.test.ts', '<rootDir>/test/integration/notifications-system.test.ts'],
      moduleNameMapper: { '^\\.\\./harness/app$': '<rootDir>/test/topology/harness/system.ts' },
      globalSetup: '<rootDir>/test/topology/harness/globalSetup.ts',
      globalTeardown: '<rootDir>/test/topology/harness/globalTeardown.ts',
    },
  ],
};
