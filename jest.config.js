// Two tiers: `unit` (pure specs beside the code in src/ and web/src/, no database, seconds) and `e2e` (test/, a real
// database server started by the global setup, real HTTP and WebSocket).
// `npm run test:unit`, `npm run test:e2e`, or `npm test` for both.
const shared = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  testEnvironment: 'node',
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testRegex: 'src/.*\\.spec\\.ts$' },
    {
      ...shared,
      displayName: 'e2e',
      testRegex: 'test/.*\\.e2e-spec\\.ts$',
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  // A global option (projects ignore it): end-to-end tests wait on a real database and sockets.
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
