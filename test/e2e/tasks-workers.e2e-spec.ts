import { randomUUID } from 'node:crypto';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/**
 * Workers as production runs them, `node dist/main --role=worker` child processes (run
 * `npm run build` first), killed and stopped for real.
 */
describe('node dist/main --role=worker (e2e, real Redis broker)', () => {
  let environment: TestEnvironment;
  let client: TaskClient;
  const started: MainProcess[] = [];

  /**
   * A 2 s lock: a killed worker's job runs again within about 4 s (lock expiry plus one stalled
   * check) instead of about a minute with the production 30 s. Safe here: these workers' event
   * loops are idle apart from the test tasks, so none misses a renewal due every second.
   */
  const startWorker = async (env: Record<string, string> = {}) => {
    const worker = new MainProcess(['--role=worker'], { ...environment.env, WORKER_LOCK_SECONDS: '2', ...env });
    started.push(worker);
    await worker.ready();
    return worker;
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
    await environment.dispose();
  });

  it('runs a job again on another worker when the one running it is killed, and it succeeds once', async () => {
    const workers = await Promise.all([startWorker(), startWorker()]);
    const gate = client.gate(randomUUID());
    const { id } = await client.tasks.delay('testing.gate', gate.name);

    const [firstPid] = await pollUntil(
      () => gate.started(),
      (pids) => pids.length === 1,
      'a worker to start the task',
    );
    const killed = workers.find((worker) => worker.child.pid === firstPid)!;
    const survivor = workers.find((worker) => worker !== killed)!;
    killed.child.kill('SIGKILL');
    await killed.exitCode();

    await pollUntil(
      () => gate.started(),
      (pids) => pids.length === 2,
      'the job to run again after the stalled check',
    );
    await gate.open();
    const sut = await client.waitForState(id, ['SUCCESS', 'FAILURE']);

    expect(sut).toMatchObject({ state: 'SUCCESS', result: survivor.child.pid });
    expect(await gate.started()).toEqual([killed.child.pid, survivor.child.pid]);
    expect(await gate.finished()).toEqual([survivor.child.pid]);
    await survivor.waitForLine(new RegExp(`"taskId":"${id}".*"msg":"Task stalled, it runs again"`));
  });

  it('on SIGTERM stops taking jobs, lets the active one finish and exits 0', async () => {
    const worker = await startWorker({ WORKER_CONCURRENCY: '1' });
    const gate = client.gate(randomUUID());
    const active = await client.tasks.delay('testing.gate', gate.name);
    await pollUntil(
      () => gate.started(),
      (pids) => pids.length === 1,
      'the worker to start the task',
    );
    const queued = await client.tasks.delay('add', 1, 2);

    worker.child.kill('SIGTERM');
    await worker.waitForLine(/"active":1,.*"msg":"Stopped taking jobs, waiting for the active ones"/);
    await gate.open();

    await expect(worker.exitCode()).resolves.toBe(0);
    expect(worker.lines.at(-1)).toContain('Shut down cleanly');
    await expect(client.tasks.result(active.id)).resolves.toMatchObject({ state: 'SUCCESS', result: worker.child.pid });
    await expect(client.tasks.result(queued.id)).resolves.toMatchObject({ state: 'PENDING' });
  });

  it('takes what was queued while no worker ran', async () => {
    const { id } = await client.tasks.delay('add', 10, 20);
    await expect(client.tasks.result(id)).resolves.toMatchObject({ state: 'PENDING' });

    await startWorker();

    await expect(client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', result: 30 });
  });
});
