import { MainProcess, type MainProcessOptions } from './main-process';
import { createTestEnvironment, type TestEnvironment } from './test-environment';

/** What a suite of {@link mainProcessSuite} starts its processes with. */
export interface MainProcessSuite {
  /** The suite's environment, made before its first test. */
  readonly environment: () => TestEnvironment;
  /** Starts `node dist/main` with the suite's environment and `env` over it; stopped after the test. */
  readonly start: (args: readonly string[], env?: Readonly<Record<string, string>>, options?: MainProcessOptions) => MainProcess;
}

/**
 * The hooks of a suite whose tests each run one `node dist/main`: a test environment of its own
 * for the suite, disposed after it, and the process of each test stopped after that test.
 */
export function mainProcessSuite(): MainProcessSuite {
  let environment: TestEnvironment | undefined;
  let running: MainProcess | undefined;

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  afterAll(async () => {
    await environment?.dispose();
  });

  const current = () => {
    if (!environment) throw new Error('The suite has no environment before its first test');
    return environment;
  };
  return {
    environment: current,
    start: (args, env = {}, options) => {
      running = new MainProcess(args, { ...current().env, ...env }, options);
      return running;
    },
  };
}
