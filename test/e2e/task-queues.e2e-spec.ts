import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { recordKeys } from '../fixtures/testing-tasks/record.task';
import { BannerRows } from '../support/banner-rows';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { TasksService } from '../../src/tasks/tasks.service';

/** Tasks at the lowest priority queued ahead of one at the highest. */
const LOW_PRIORITY_TASKS = 100;

/** The backlog of other tasks that must not delay a cache refresh. */
const BACKLOG = 10_000;
/** Enqueues in flight at once while the backlog is built. */
const ENQUEUE_PARALLELISM = 200;

/**
 * Named queues: `update_banner_list` on `banner`, TASK_ROUTES, `--queues` and WORKER_CONCURRENCY,
 * with workers as production runs them (`node dist/main --role=worker`, run `npm run build` first).
 */
describe('task queues and routing (e2e, real MariaDB, Redis and worker processes)', () => {
  let environment: TestEnvironment;
  const started: MainProcess[] = [];

  const startWorker = async (args: readonly string[], env: Record<string, string> = {}) => {
    const worker = new MainProcess(['--role=worker', ...args], { ...environment.env, ...env });
    started.push(worker);
    await worker.ready();
    return worker;
  };

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((worker) => worker.stop()));
  });

  afterAll(async () => {
    await environment.dispose();
  });

  describe('a banner write behind a backlog of other tasks', () => {
    let api: TestApp;
    let rows: BannerRows;

    beforeAll(async () => {
      api = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error' });
      rows = await BannerRows.open(environment.env.DATABASE_URL);
    });

    afterAll(async () => {
      await api?.close();
      await rows?.close();
    });

    const homeNames = async (): Promise<string[]> =>
      ((await (await fetch(`${api.url}/api/home/banners`)).json()) as { name: string }[]).map((banner) => banner.name);

    const waitingOnDefault = async (): Promise<number> => {
      const response = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } });
      expect(response.status).toBe(200);
      const text = await response.text();
      return Number(/^queue_jobs\{queue="default",state="waiting"\} (\d+)$/m.exec(text)?.[1]);
    };

    it(`shows on GET /api/home/banners within 1 s while ${BACKLOG} add tasks wait`, async () => {
      const id = await rows.insert({ name: 'Before', orders: 1 });
      const tasks = api.app.get(TasksService);
      for (let first = 0; first < BACKLOG; first += ENQUEUE_PARALLELISM) {
        await Promise.all(Array.from({ length: ENQUEUE_PARALLELISM }, (_, index) => tasks.delay('add', first + index, 1)));
      }
      // The api's own copy of the entry too: the refresh must reach it (the write announces).
      expect(await homeNames()).toEqual(['Before']);
      await startWorker([]);

      const write = await fetch(`${api.url}/api/admin/banners/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'After' }),
      });
      expect(write.status).toBe(200);

      await pollUntil(homeNames, (names) => names[0] === 'After', 'the written name on the home list', {
        timeoutMs: 1_000,
        intervalMs: 20,
      });
      // The refresh overtook the backlog rather than waiting for it to drain.
      expect(await waitingOnDefault()).toBeGreaterThan(0);
    });
  });

  describe('--queues, TASK_ROUTES and WORKER_CONCURRENCY', () => {
    let client: TaskClient;
    let routedClient: TaskClient;
    const ROUTES = { TASK_ROUTES: '{"low":"banner"}' };

    beforeAll(async () => {
      client = await startTaskClient({ ...environment.env, LOG_LEVEL: 'error' });
      routedClient = await startTaskClient({ ...environment.env, ...ROUTES, LOG_LEVEL: 'error' });
    });

    afterAll(async () => {
      await client?.close();
      await routedClient?.close();
    });

    it('runs only the tasks of the queues it is given, with the concurrency set for each', async () => {
      const worker = await startWorker(['--queues=banner'], { ...ROUTES, WORKER_CONCURRENCY: 'default=8,banner=2' });
      const routed = await routedClient.tasks.delay('low', 5, 3);
      const other = await client.tasks.delay('add', 1, 2);

      await expect(client.waitForState(routed.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', result: 2 });
      await expect(client.tasks.result(other.id)).resolves.toMatchObject({ state: 'PENDING' });
      expect(await worker.waitForLine(/"msg":"Taking jobs from the queues"/)).toContain('"queues":{"banner":2}');
    });

    it('takes a priority-1 task first, ahead of the priority-10 ones queued before it, each band in order', async () => {
      const list = randomUUID();
      const keys = recordKeys(environment.env.QUEUE_PREFIX, list);
      // No worker runs while they are enqueued: the queue is as a paused worker leaves it.
      for (let value = 0; value < LOW_PRIORITY_TASKS; value++) {
        await client.tasks.applyAsync('testing.record', { args: [value, list], priority: 10 });
      }
      await client.tasks.applyAsync('testing.record', { args: ['urgent', list], priority: 1 });

      await startWorker([], { WORKER_CONCURRENCY: '1' });

      const values = await pollUntil(
        async () => (await client.redis.lrange(keys.values, 0, -1)).map((value) => JSON.parse(value) as unknown),
        (seen) => seen.length === LOW_PRIORITY_TASKS + 1,
        'every recorded run',
      );
      expect(values).toEqual(['urgent', ...Array.from({ length: LOW_PRIORITY_TASKS }, (_, value) => value)]);
    });

    it('enqueues on the queue and at the priority a call gives, and refuses others', async () => {
      const worker = await startWorker(['--queues=banner']);

      const moved = await client.tasks.applyAsync('add', { args: [2, 3], queue: 'banner', priority: 3 });

      await expect(client.waitForState(moved.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({
        state: 'SUCCESS',
        result: 5,
        queue: 'banner',
        priority: 3,
      });
      await expect(client.tasks.list({ name: 'add', limit: 1 })).resolves.toEqual([
        expect.objectContaining({ id: moved.id, queue: 'banner', priority: 3, expires: null }),
      ]);
      await worker.waitForLine(new RegExp(`"taskId":"${moved.id}".*"msg":"Task succeeded"`));
      await expect(client.tasks.applyAsync('add', { args: [1, 1], queue: 'slow' })).rejects.toMatchObject({
        code: 'TASK_INVALID_OPTION',
        message: 'Unknown queue "slow": queues are default, banner',
      });
      await expect(client.tasks.applyAsync('add', { args: [1, 1], priority: 0 })).rejects.toMatchObject({ code: 'TASK_INVALID_OPTION' });
    });

    it('never runs a task that has not started when it expires: it ends REVOKED with the error "expired"', async () => {
      await startWorker([]);

      const late = await client.tasks.applyAsync('add', { args: [1, 2], countdown: 1.5, expires: 0.5 });
      const due = await client.tasks.applyAsync('add', { args: [1, 2], expires: new Date(Date.now() + 60_000).toISOString() });

      await expect(client.waitForState(late.id, ['SUCCESS', 'FAILURE', 'REVOKED'])).resolves.toMatchObject({
        state: 'REVOKED',
        error: 'expired',
        result: null,
        retries: 0,
      });
      await expect(client.waitForState(due.id, ['SUCCESS', 'FAILURE', 'REVOKED'])).resolves.toMatchObject({
        state: 'SUCCESS',
        result: 3,
        expires: expect.stringMatching(/Z$/),
      });
      await expect(client.tasks.applyAsync('add', { args: [1, 2], expires: 0 })).rejects.toMatchObject({ code: 'TASK_INVALID_OPTION' });
    });

    it('lays TASK_ANNOTATIONS over what a task declares; a call still overrides both', async () => {
      const annotated = await startTaskClient({
        ...environment.env,
        TASK_ANNOTATIONS: '{"add":{"priority":4,"expires":60}}',
        LOG_LEVEL: 'error',
      });
      try {
        const declared = await annotated.tasks.applyAsync('add', { args: [1, 1] });
        const called = await annotated.tasks.applyAsync('add', { args: [1, 1], priority: 2 });

        await expect(annotated.tasks.result(declared.id)).resolves.toMatchObject({ priority: 4, expires: expect.stringMatching(/Z$/) });
        await expect(annotated.tasks.result(called.id)).resolves.toMatchObject({ priority: 2 });
      } finally {
        await annotated.close();
      }
    });

    it('retries only the errors autoretryFor names; any other fails at once', async () => {
      await startWorker([]);
      const producer = (autoretryFor: string[]) =>
        startTaskClient({
          ...environment.env,
          TASK_ANNOTATIONS: JSON.stringify({ 'testing.flaky': { autoretryFor } }),
          LOG_LEVEL: 'error',
        });
      const [other, same] = await Promise.all([producer(['TypeError', 'DATABASE_UNAVAILABLE']), producer(['Error'])]);
      try {
        const failed = await other.tasks.delay('testing.flaky', 1);
        const retried = await same.tasks.delay('testing.flaky', 1);

        await expect(client.waitForState(failed.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({
          state: 'FAILURE',
          error: 'Flaky failure 1 of 1',
          retries: 0,
        });
        await expect(client.waitForState(retried.id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({
          state: 'SUCCESS',
          result: 2,
          retries: 1,
        });
      } finally {
        await Promise.all([other.close(), same.close()]);
      }
    });

    it('shows in RETRY when the next run is due: its backoff after the failed run', async () => {
      await startWorker([]);
      const { id } = await client.tasks.delay('testing.flaky', 1);

      const retrying = await client.waitForState(id, ['RETRY', 'SUCCESS', 'FAILURE']);

      expect(retrying.state).toBe('RETRY');
      // testing.flaky waits 1 s without jitter; its failed run took a few ms.
      const backoffMs = Date.parse(retrying.retryAt ?? '') - Date.parse(retrying.startedAt ?? '');
      expect(backoffMs).toBeGreaterThanOrEqual(1_000);
      expect(backoffMs).toBeLessThan(2_000);
      await expect(client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', retryAt: null });
    });

    it('retries a run that asks for it with context.retry, after its countdown, even for an error autoretryFor omits', async () => {
      await startWorker([]);
      const { id } = await client.tasks.delay('testing.retry', 1, 0.3);

      const retrying = await client.waitForState(id, ['RETRY', 'SUCCESS', 'FAILURE']);

      expect(retrying).toMatchObject({ state: 'RETRY', error: 'Not yet, run 1' });
      const countdownMs = Date.parse(retrying.retryAt ?? '') - Date.parse(retrying.startedAt ?? '');
      expect(countdownMs).toBeGreaterThanOrEqual(300);
      expect(countdownMs).toBeLessThan(1_000);
      await expect(client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({ state: 'SUCCESS', result: 2, retries: 1 });
    });

    it('ends in FAILURE with the error of the last retry asked for when no attempt is left', async () => {
      await startWorker([]);
      const { id } = await client.tasks.delay('testing.retry', 5, 0);

      await expect(client.waitForState(id, ['SUCCESS', 'FAILURE'])).resolves.toMatchObject({
        state: 'FAILURE',
        error: 'Not yet, run 3',
        retries: 2,
      });
    });

    it('takes every queue by default', async () => {
      const worker = await startWorker([]);

      expect(await worker.waitForLine(/"msg":"Taking jobs from the queues"/)).toContain('"queues":{"default":4,"banner":4}');
    });

    it('exits 2 on an unknown queue, with one line listing the queues', async () => {
      const sut = new MainProcess(['--role=worker', '--queues=default,slow'], environment.env);
      started.push(sut);

      await expect(sut.exitCode()).resolves.toBe(2);
      expect(sut.lines).toEqual(['Unknown queue "slow": queues are default, banner']);
    });

    it.each([
      ['TASK_ROUTES', '{"sub":"default"}', 'TASK_ROUTES must be a JSON object whose keys are tasks (', 'sub'],
      ['TASK_ROUTES', '{"add":"slow"}', 'TASK_ROUTES must be a JSON object whose values are queues (default, banner)', 'add: slow'],
      ['WORKER_CONCURRENCY', 'slow=2', 'WORKER_CONCURRENCY must be a number, or queue=number pairs of the queues default, banner', 'slow'],
      [
        'TASK_ANNOTATIONS',
        '{"add":{"countdown":10}}',
        'TASK_ANNOTATIONS must be options among queue, priority, expires, rateLimit',
        'add.countdown',
      ],
      [
        'TASK_ANNOTATIONS',
        '{"add":{"rateLimit":"10/sec"}}',
        'TASK_ANNOTATIONS must be valid options (rateLimit must be a count from 1 to 1000000 per s, m or h',
        'add.rateLimit: "10/sec"',
      ],
      [
        'TASK_ANNOTATIONS',
        '{"add":{"priority":11}}',
        'TASK_ANNOTATIONS must be valid options (priority must be an integer from 1 to 10)',
        'add.priority: 11',
      ],
    ])('exits 1 when %s=%s names what does not exist, naming the variable', async (name, value, message, got) => {
      const sut = new MainProcess(['--role=worker'], { ...environment.env, [name]: value });
      started.push(sut);

      await expect(sut.exitCode()).resolves.toBe(1);
      // The line is Nest's or our JSON log, where the quotes are escaped.
      const line = sut.lines.find((candidate) => candidate.includes(message));
      expect(line?.replaceAll('\\"', '"')).toContain(`(got "${got}")`);
    });
  });
});
