import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { TaskStatus } from '../../src/tasks/admin/dto/task-status.response';
import { OVERRUN_TASK, overrunKeys } from '../fixtures/testing-tasks/overrun.task';
import { WAIT_TASK } from '../fixtures/testing-tasks/wait.task';
import { jsonBody } from '../support/json-body';
import { pollUntil } from '../support/poll';
import { startTaskClient } from '../support/task-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { workerFleet } from '../support/worker-fleet';

/** How long the terminated handlers would run on their own: far past any bound below. */
const LONG_MS = 30_000;

/**
 * Time limits and terminate, with workers as production runs them (`node dist/main --role=worker`,
 * run `npm run build` first): the soft limit through the handler's signal, the hard limit that
 * frees the slot, no retry while a timed-out handler still runs, and
 * `DELETE /api/admin/tasks/:id?terminate=true` across processes.
 */
describe('task time limits and terminate (e2e, real Redis and worker processes)', () => {
  const fleet = workerFleet();
  const { startWorker } = fleet;

  const producer = (annotations: object) =>
    startTaskClient({ ...fleet.environment.env, TASK_ANNOTATIONS: JSON.stringify(annotations), LOG_LEVEL: 'error' });
  const final = (id: string) => fleet.client.waitForState(id, ['SUCCESS', 'FAILURE', 'REVOKED']);
  /**
   * Resolves once the heartbeat of the worker running the task lists its lock's token: killed
   * earlier, in its first moments, a worker is unknown to the others (docs/crash-recovery.md).
   * Bull moves a job to `active` (STARTED) a round trip before it locks it, so the lock is read
   * again until there is one.
   */
  const heartbeatListed = async (id: string) => {
    const queueKey = `${fleet.environment.env.QUEUE_PREFIX}:default`;
    await pollUntil(
      async () => {
        const token = await fleet.client.redis.get(`${queueKey}:${id}:lock`);
        return token === null ? 'unlocked' : await fleet.client.redis.sismember(`${queueKey}:heartbeats`, token);
      },
      (listed) => listed === 1,
      "the task's lock and the worker's heartbeat to be listed",
    );
  };

  describe('softTimeLimit', () => {
    it('aborts the signal of a handler that honours it: the run ends with SoftTimeLimitExceeded, retried when autoretryFor allows it', async () => {
      await startWorker();
      const [retrying, notRetrying] = await Promise.all([
        producer({ [WAIT_TASK]: { autoretryFor: ['SoftTimeLimitExceeded'] } }),
        producer({ [WAIT_TASK]: { autoretryFor: ['TypeError'] } }),
      ]);
      try {
        const retried = await retrying.tasks.applyAsync(WAIT_TASK, { args: [LONG_MS], softTimeLimit: 0.3, timeLimit: 20 });
        const failed = await notRetrying.tasks.applyAsync(WAIT_TASK, { args: [LONG_MS], softTimeLimit: 0.3, timeLimit: 20 });
        const quick = await fleet.client.tasks.applyAsync(WAIT_TASK, { args: [10], softTimeLimit: 5 });

        const error = 'SoftTimeLimitExceeded: the run passed its soft time limit of 0.3 s';
        await expect(final(retried.id)).resolves.toMatchObject({ state: 'FAILURE', error, retries: 1 });
        await expect(final(failed.id)).resolves.toMatchObject({ state: 'FAILURE', error, retries: 0 });
        await expect(final(quick.id)).resolves.toMatchObject({ state: 'SUCCESS', result: 10 });
      } finally {
        await Promise.all([retrying.close(), notRetrying.close()]);
      }
    });

    it('refuses a soft limit that is not below the hard one, and a limit of 0', async () => {
      await expect(fleet.client.tasks.applyAsync(WAIT_TASK, { args: [1], softTimeLimit: 2, timeLimit: 1 })).rejects.toMatchObject({
        code: 'TASK_INVALID_OPTION',
        message: 'softTimeLimit (2 s) must be below timeLimit (1 s), or it never comes first',
      });
      await expect(fleet.client.tasks.applyAsync(WAIT_TASK, { args: [1], timeLimit: 0 })).rejects.toMatchObject({
        code: 'TASK_INVALID_OPTION',
      });
    });
  });

  describe('timeLimit', () => {
    it('fails the run with TimeLimitExceeded and frees its slot while the handler that ignores its signal still runs', async () => {
      await startWorker({ WORKER_CONCURRENCY: '1' });
      const once = await producer({ [OVERRUN_TASK]: { maxRetries: 0 } });
      try {
        const list = randomUUID();
        const keys = overrunKeys(fleet.environment.env.QUEUE_PREFIX, list);
        const overrun = await once.tasks.delay(OVERRUN_TASK, 3_000, list);
        const next = await fleet.client.tasks.delay('add', 1, 2);

        await expect(final(overrun.id)).resolves.toMatchObject({
          state: 'FAILURE',
          error: 'TimeLimitExceeded: the run passed its time limit of 0.5 s',
          retries: 0,
        });
        const added = await final(next.id);
        expect(added).toMatchObject({ state: 'SUCCESS', result: 3 });
        // The one slot ran `add` while the timed-out handler was still going.
        expect(await fleet.client.redis.llen(keys.ended)).toBe(0);
        const ended = await pollUntil(
          () => fleet.client.redis.lrange(keys.ended, 0, -1),
          (times) => times.length === 1,
          'the timed-out handler to end',
        );
        expect(Date.parse(added.finishedAt ?? '')).toBeLessThan(Number(ended[0]));
      } finally {
        await once.close();
      }
    });

    it('never starts the retry of a timed-out run, on any worker, before that run has ended', async () => {
      const workers = await Promise.all([startWorker(), startWorker()]);
      const list = randomUUID();
      const keys = overrunKeys(fleet.environment.env.QUEUE_PREFIX, list);

      // Retried at once (retryBackoff 0), while the first handler has 1.5 s left to run.
      const { id } = await fleet.client.tasks.delay(OVERRUN_TASK, 2_000, list);

      await expect(final(id)).resolves.toMatchObject({
        state: 'FAILURE',
        error: expect.stringMatching(/^TimeLimitExceeded: /),
        retries: 1,
      });
      const [starts, ends] = await pollUntil(
        async () =>
          (await Promise.all([fleet.client.redis.lrange(keys.started, 0, -1), fleet.client.redis.lrange(keys.ended, 0, -1)])).map((times) =>
            times.map(Number),
          ),
        ([, times]) => times.length === 2,
        'both handlers to end',
      );
      expect(starts).toHaveLength(2);
      expect(starts[1]).toBeGreaterThanOrEqual(ends[0]);
      const logged = workers.flatMap((worker) => worker.lines).filter((line) => line.includes(`"taskId":"${id}"`));
      expect(logged.some((line) => line.includes('An earlier run of this task is still running past its time limit'))).toBe(true);
      expect(logged.some((line) => line.includes('A run stopped at its time limit has ended'))).toBe(true);
    });

    it("lets the retry run within the mark's 10 s TTL when the worker of the timed-out run dies", async () => {
      const first = await startWorker({ WORKER_CONCURRENCY: '1' });
      const list = randomUUID();
      const keys = overrunKeys(fleet.environment.env.QUEUE_PREFIX, list);
      const { id } = await fleet.client.tasks.delay(OVERRUN_TASK, LONG_MS, list);
      // The retry waits on the same worker, behind the mark of the handler that is still running.
      await first.waitForLine(/An earlier run of this task is still running past its time limit/);
      await heartbeatListed(id);

      first.signal('SIGKILL');
      const killedAt = Date.now();
      await first.exitCode();
      await startWorker();

      const starts = await pollUntil(
        () => fleet.client.redis.lrange(keys.started, 0, -1),
        (times) => times.length === 2,
        'the retry to start on the other worker',
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      // The mark lapses at most 10 s after its last renewal; the heartbeat returns the job within that.
      expect(Number(starts[1]) - killedAt).toBeLessThan(10_000 + 1_000);
      await expect(final(id)).resolves.toMatchObject({ state: 'FAILURE', error: expect.stringMatching(/^TimeLimitExceeded: /) });
    });
  });

  describe('DELETE /api/admin/tasks/:id?terminate=true', () => {
    let api: TestApp;

    const revoke = async (id: string, query = '') => {
      const response = await fetch(`${api.url}/api/admin/tasks/${id}${query}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${fleet.environment.env.ADMIN_TOKEN}` },
      });
      return { status: response.status, body: await jsonBody<TaskStatus & { code?: string }>(response) };
    };

    beforeAll(async () => {
      api = await startTestApp('api', { ...fleet.environment.env, LOG_LEVEL: 'error' });
    });

    afterAll(async () => {
      await api?.close();
    });

    it('stops a running task through its signal on the worker that runs it: 200, REVOKED, never retried', async () => {
      await startWorker();
      const { id } = await fleet.client.tasks.delay(WAIT_TASK, LONG_MS);
      await fleet.client.waitForState(id, ['STARTED']);

      await expect(revoke(id)).resolves.toMatchObject({ status: 409, body: { code: 'TASK_NOT_REVOCABLE' } });
      const sut = await revoke(id, '?terminate=true');

      expect(sut).toMatchObject({ status: 200, body: { id, state: 'REVOKED', error: 'terminated', retries: 0, result: null } });
      // WAIT_TASK retries every error once, at once: a terminated one never.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expect(fleet.client.tasks.result(id)).resolves.toMatchObject({ state: 'REVOKED', retries: 0 });
    });

    it('stops the run of a handler that ignores its signal after the grace, and never runs it again', async () => {
      await startWorker();
      const list = randomUUID();
      const keys = overrunKeys(fleet.environment.env.QUEUE_PREFIX, list);
      const { id } = await fleet.client.tasks.applyAsync(OVERRUN_TASK, { args: [4_000, list], timeLimit: 60 });
      await fleet.client.waitForState(id, ['STARTED']);

      const askedAt = Date.now();
      const sut = await revoke(id, '?terminate=true');

      expect(sut).toMatchObject({ status: 200, body: { id, state: 'REVOKED', error: 'terminated' } });
      // Stopped after its 2 s grace, while the handler still ran.
      expect(Date.now() - askedAt).toBeGreaterThanOrEqual(2_000);
      expect(await fleet.client.redis.llen(keys.ended)).toBe(0);
      await pollUntil(
        () => fleet.client.redis.llen(keys.ended),
        (ended) => ended === 1,
        'the ignored handler to end by itself',
      );
      // OVERRUN_TASK retries at once, as soon as its handler has ended: a terminated one never.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await fleet.client.redis.llen(keys.started)).toBe(1);
      await expect(fleet.client.tasks.result(id)).resolves.toMatchObject({ state: 'REVOKED' });
    });

    it('ends REVOKED on the worker that takes the task back when the one running it died before the terminate', async () => {
      const first = await startWorker();
      const { id } = await fleet.client.tasks.delay(WAIT_TASK, LONG_MS);
      await fleet.client.waitForState(id, ['STARTED']);
      await heartbeatListed(id);
      first.signal('SIGKILL');
      await first.exitCode();

      // Nobody hears the request: the answer shows the task as it is.
      await expect(revoke(id, '?terminate=true')).resolves.toMatchObject({ status: 200, body: { id, state: 'STARTED' } });
      await startWorker();

      // Taken back once the dead worker's heartbeat expires (docs/crash-recovery.md), on a shared machine.
      const ended = await pollUntil(
        () => fleet.client.tasks.result(id),
        (status) => status.state !== 'STARTED',
        'the task to be taken back and terminated',
        { timeoutMs: 40_000, intervalMs: 100 },
      );
      expect(ended).toMatchObject({ state: 'REVOKED', error: 'terminated' });
    });

    it('revokes a task that is still waiting, as a plain revoke does', async () => {
      const { id } = await fleet.client.tasks.delay(WAIT_TASK, LONG_MS);
      // No worker yet: the task waits, so terminate revokes it as a plain revoke does.
      await expect(revoke(id, '?terminate=true')).resolves.toMatchObject({ status: 200, body: { state: 'REVOKED', error: null } });
    });

    it('answers 409 for a finished task and 400 for a terminate that is neither true nor false', async () => {
      await startWorker();
      const { id } = await fleet.client.tasks.delay('add', 1, 2);
      await final(id);

      await expect(revoke(id, '?terminate=true')).resolves.toMatchObject({ status: 409, body: { code: 'TASK_NOT_REVOCABLE' } });
      await expect(revoke(id, '?terminate=yes')).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });
  });
});
