import type { Config } from 'jest';

/**
 * e2e tests: the real application against this machine's MariaDB and Redis. Each test file
 * makes its own database and key prefixes (test/support/test-environment.ts) and drops them.
 */
const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '../..',
  roots: ['<rootDir>/test/e2e'],
  testRegex: '.*\\.e2e-spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  testTimeout: 60_000,
};

export default config;
