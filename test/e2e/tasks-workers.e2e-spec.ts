import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pollUntil } from '../support/poll';
import { startTestApp } from '../support/test-app';
import { workerFleet } from '../support/worker-fleet';

/**
 * Workers as production runs them, `node dist/main --role=worker` child processes (run
 * `npm run build` first), killed and stopped for real.
 */
describe('node dist/main --role=worker (e2e, real Redis broker)', () => {
  /**
   * A 2 s lock: a killed worker's job runs again within about 4 s (lock expiry plus one stalled
   * check) instead of about a minute with the production 30 s. Safe here: these workers' event
   * loops are idle apart from the test tasks, so none misses a renewal due every second.
   */
  const fleet = workerFleet({ WORKER_LOCK_SECONDS: '2' });
  const { startWorker } = fleet;

  it('runs a job again on another worker when the one running it is killed, and it succeeds once', async () => {
    const workers = await Promise.all([startWorker(), startWorker()]);
    const gate = fleet.client.gate(randomUUID());
    const { id } = await fleet.client.tasks.delay('testing.gate', gate.name);

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
    const sut = await fleet.client.waitForState(id, ['SUCCESS', 'FAILURE']);

    expect(sut).toMatchObject({ state: 'SUCCESS', result: survivor.child.pid });
    expect(await gate.started()).toEqual([killed.child.pid, survivor.child.pid]);
    expect(await gate.finished()).toEqual([survivor.child.pid]);
    await survivor.waitForLine(new RegExp(`"taskId":"${id}".*"msg":"Task stalled, it runs again"`));
  });

  // Bull 4 leaves the answer to its naming of the blocking connection unhandled: closed before it
  // came, a worker would end on an unhandled rejection, which fails the test.
  it.each(['worker', 'api,worker'])('as %s, closes cleanly right after it started', async (role) => {
    const sut = await startTestApp(role, { ...fleet.environment.env, LOG_LEVEL: 'error' });

    await expect(sut.close()).resolves.toBeUndefined();
  });

  it('on SIGTERM stops taking jobs, lets the active one finish and exits 0', async () => {
    const worker = await startWorker({ WORKER_CONCURRENCY: '1' });
    const gate = fleet.client.gate(randomUUID());
    const active = await fleet.client.tasks.delay('testing.gate', gate.name);
    await pollUntil(
      () => gate.started(),
      (pids) => pids.length === 1,
      'the worker to start the task',
    );
    const queued = await fleet.client.tasks.delay('add', 1, 2);

    worker.child.kill('SIGTERM');
    await worker.waitForLine(/"active":1,.*"msg":"Stopped taking jobs, waiting for the active ones"/);
    await gate.open();

    await expect(worker.exitCode()).resolves.toBe(0);
    expect(worker.lines.at(-1)).toContain('Shut down cleanly');
    await expect(fleet.client.tasks.result(active.id)).resolves.toMatchObject({ state: 'SUCCESS', result: worker.child.pid });
    await expect(fleet.client.tasks.result(queued.id)).resolves.toMatchObject({ state: 'PENDING' });
  });

  it('on SIGTERM while it waits for jobs, stops taking them without waiting for its blocking pop, and exits 0', async () => {
    const worker = await startWorker();
    const { QUEUE_REDIS_URL, QUEUE_PREFIX } = fleet.environment.env;
    const redis = new Redis(QUEUE_REDIS_URL);
    try {
      // Bull names each queue's blocking connection `<prefix>:<queue name in base64>`.
      await pollUntil(
        async () => ((await redis.client('LIST')) as string).split('\n').filter((line) => line.includes(` name=${QUEUE_PREFIX}:`)),
        (blocking) => blocking.length > 0 && blocking.every((line) => /\bflags=\S*b/.test(line)),
        'every queue of the worker to block on its pop',
      );
    } finally {
      redis.disconnect();
    }

    worker.child.kill('SIGTERM');

    await expect(worker.exitCode()).resolves.toBe(0);
    const timeOf = (message: RegExp) => (JSON.parse(worker.lines.find((line) => message.test(line))!) as { time: number }).time;
    // Bull's own local pause waits 500 ms for a QUIT that Redis answers only after the pop.
    expect(timeOf(/"msg":"Stopped taking jobs/) - timeOf(/"msg":"Received SIGTERM/)).toBeLessThan(500);
    expect(worker.lines.at(-1)).toContain('Shut down cleanly');
  });

  it('takes what was queued while no worker ran', async () => {
    const { id } = await fleet.client.tasks.delay('add', 10, 20);
    await expect(fleet.client.tasks.result(id)).resolves.toMatchObject({ state: 'PENDING' });

    await startWorker();

    await expect(fleet.client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', result: 30 });
  });
});
