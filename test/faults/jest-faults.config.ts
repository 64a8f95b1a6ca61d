import type { Config } from 'jest';

/**
 * The fault suite: real `node dist/main` processes (api, worker, beat) under load while the test
 * kills them, restarts their Redis or cuts their database off. One file at a time: each scenario
 * wants the two cores for itself.
 */
const config: Config = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: '../..',
  roots: ['<rootDir>/test/faults'],
  testRegex: '.*\\.faults-spec\\.ts$',
  transform: { '^.+\\.ts$': 'ts-jest' },
  testEnvironment: 'node',
  testTimeout: 180_000,
};

export default config;
