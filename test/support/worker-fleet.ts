import { MainProcess } from './main-process';
import { startTaskClient, type TaskClient } from './task-client';
import { createTestEnvironment, type TestEnvironment } from './test-environment';

/** Worker processes of one describe block, and the producer that feeds them. */
export interface WorkerFleet {
  readonly environment: TestEnvironment;
  readonly client: TaskClient;
  /** Starts `node dist/main --role=worker` (run `npm run build` first), stopped after the test. */
  readonly startWorker: (env?: Record<string, string>) => Promise<MainProcess>;
}

/**
 * Registers, in the calling describe block, the hooks that create a test environment and a task
 * client before its tests, stop the workers each test started, and dispose of both at the end.
 * @param workerEnv variables every worker gets, over the environment's.
 */
export function workerFleet(workerEnv: Record<string, string> = {}): WorkerFleet {
  let environment: TestEnvironment | undefined;
  let client: TaskClient | undefined;
  const started: MainProcess[] = [];
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The worker fleet is used before its beforeAll hook ran');
    return value;
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    client = await startTaskClient({ ...environment.env, LOG_LEVEL: 'error' });
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((worker) => worker.stop()));
  });

  afterAll(async () => {
    await client?.close();
    await environment?.dispose();
  });

  return {
    get environment() {
      return ready(environment);
    },
    get client() {
      return ready(client);
    },
    startWorker: async (env = {}) => {
      const worker = new MainProcess(['--role=worker'], { ...ready(environment).env, ...workerEnv, ...env });
      started.push(worker);
      await worker.ready();
      return worker;
    },
  };
}
