import { expect } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ISOLATED_CONTEXT_TASK } from '../fixtures/testing-tasks/isolated-context.task';
import { LIMITED_SPIN_TASK, SPIN_TASK } from '../fixtures/testing-tasks/spin.task';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** A lock of 2 s, renewed every second: a worker whose event loop a task blocked would lose it. */
const LOCK_SECONDS = 2;

/**
 * Isolated tasks in a worker as production runs it (`node dist/main --role=worker`, run
 * `npm run build` first): in a thread, away from the event loop that renews the locks and runs
 * the other tasks, and terminated at the time limit.
 */
describe('isolated tasks (e2e: node dist/main --role=worker, real Redis broker)', () => {
  let environment: TestEnvironment;
  let client: TaskClient;
  let worker: MainProcess;
  let directory: string;

  beforeAll(async () => {
    environment = createTestEnvironment();
    client = await startTaskClient({ ...environment.env, LOG_LEVEL: 'error' });
    worker = new MainProcess(['--role=worker'], {
      ...environment.env,
      WORKER_LOCK_SECONDS: String(LOCK_SECONDS),
      WORKER_ISOLATED_THREADS: '2',
    });
    await worker.ready();
  });

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'isolated-tasks-'));
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  afterAll(async () => {
    await worker?.stop();
    await client?.close();
    await environment.dispose();
  });

  it('runs a CPU-bound task in a thread: other tasks complete meanwhile, and its lock holds past several renewals', async () => {
    const { id } = await client.tasks.delay(SPIN_TASK, directory);
    await pollUntil(
      () => client.tasks.result(id),
      (status) => status.state === 'STARTED' && status.progress === 50,
      'the spinning task to start and report its progress',
    );

    const add = await client.tasks.delay('add', 1, 2);
    await expect(client.waitForState(add.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', result: 3 });
    expect(await client.tasks.result(id)).toMatchObject({ state: 'STARTED' });
    await sleep(2.5 * LOCK_SECONDS * 1000); // spinning through two stalled-job checks, which would take back an unrenewed lock
    writeFileSync(join(directory, 'stop'), '');
    const sut = await client.waitForState(id, ['SUCCESS', 'FAILURE']);

    expect(sut).toMatchObject({ state: 'SUCCESS', retries: 0, result: { threadId: expect.any(Number) } });
    expect((sut.result as { threadId: number }).threadId).toBeGreaterThan(0);
    expect(worker.lines.filter((line) => line.includes('stalled'))).toEqual([]);
  });

  it('terminates the thread at the time limit: the task fails, its loop stops, and the worker carries on', async () => {
    const { id } = await client.tasks.delay(LIMITED_SPIN_TASK, directory);
    await pollUntil(() => existsSync(join(directory, 'counter')), Boolean, 'the spinning task to start its loop');

    await expect(client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'FAILURE' });
    await worker.waitForLine(new RegExp(`"taskId":"${id}".*"msg":"Terminated the thread of a task at its hard stop"`));
    const turns = readFileSync(join(directory, 'counter'), 'utf8');
    await sleep(1_000); // the loop writes every few microseconds while it runs: a second without a write means it stopped
    expect(readFileSync(join(directory, 'counter'), 'utf8')).toBe(turns);
    const add = await client.tasks.delay('add', 2, 3);
    await expect(client.waitForState(add.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', result: 5 });
  });

  it("gives the handler its task's id and attempt, its progress and its retry", async () => {
    const progressed = await client.tasks.delay(ISOLATED_CONTEXT_TASK, 'context');
    const retried = await client.tasks.delay(ISOLATED_CONTEXT_TASK, 'retry_once');

    await expect(client.waitForState(progressed.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({
      state: 'SUCCESS',
      progress: 60,
      result: { id: progressed.id, attempt: 1, isMainThread: false },
    });
    await expect(client.waitForState(retried.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({
      state: 'SUCCESS',
      retries: 1,
      result: { id: retried.id, attempt: 2, isMainThread: false },
    });
  });

  it('on SIGTERM lets an isolated task in hand finish, then exits 0', async () => {
    // A queue prefix of its own, so that this worker alone takes the task.
    const own = createTestEnvironment();
    const ownClient = await startTaskClient({ ...own.env, LOG_LEVEL: 'error' });
    const stopping = new MainProcess(['--role=worker'], own.env);
    try {
      await stopping.ready();
      const { id } = await ownClient.tasks.delay(SPIN_TASK, directory);
      await pollUntil(
        () => ownClient.tasks.result(id),
        (status) => status.state === 'STARTED' && status.progress === 50,
        'the worker to start the spinning task',
      );
      stopping.signal('SIGTERM');
      await stopping.waitForLine(/"msg":"Stopped taking jobs/);
      writeFileSync(join(directory, 'stop'), '');

      await expect(stopping.exitCode()).resolves.toBe(0);
      expect(stopping.lines.at(-1)).toContain('Shut down cleanly');
      await expect(ownClient.tasks.result(id)).resolves.toMatchObject({ state: 'SUCCESS', retries: 0 });
    } finally {
      await stopping.stop();
      await ownClient.close();
      await own.dispose();
    }
  });

  it('runs the demo task fib(n) of the build', async () => {
    const { id } = await client.tasks.delay('fib', 20);

    await expect(client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', result: 6765 });
  });
});
