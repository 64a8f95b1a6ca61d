import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { AppError } from '../../src/common/app-error';
import type { TaskStatus } from '../../src/tasks/admin/dto/task-status.response';
import type { TaskState } from '../../src/tasks/runtime/task-state';
import { TEST_TASK_RESULT } from '../../src/tasks/seed/test-task.task';
import { pollUntil } from '../support/poll';
import { TestRedisServer } from '../support/redis-server';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/**
 * The task routes of an in-process api, with an in-process worker where a test needs one, on the
 * real MariaDB and Redis. Workers in child processes are in tasks-workers.e2e-spec.ts.
 */
describe('/api/admin/tasks (e2e, real Redis broker)', () => {
  let environment: TestEnvironment;
  let api: TestApp;
  let client: TaskClient;
  let worker: TestApp | undefined;

  const request = async (method: string, path: string, body?: unknown, token = environment.env.ADMIN_TOKEN) => {
    const response = await fetch(`${api.url}/api/admin/tasks${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const enqueue = async (body: Record<string, unknown>) => {
    const response = await request('POST', '', body);
    expect(response.status).toBe(202);
    return response.body as { id: string; name: string; state: TaskState; eta: string | null };
  };
  const waitFor = (id: string, ...states: TaskState[]) => client.waitForState(id, states);
  const startWorker = async () => {
    worker = await startTestApp('worker', { ...environment.env, LOG_LEVEL: 'error' });
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    api = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error' });
    client = await startTaskClient({ ...environment.env, LOG_LEVEL: 'error' });
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });

  afterAll(async () => {
    await client?.close();
    await api?.close();
    await environment.dispose();
  });

  describe('with a worker', () => {
    beforeEach(startWorker);

    it('runs add(10, 20) and reports 30 with the whole status', async () => {
      const enqueued = await enqueue({ name: 'add', args: [10, 20] });
      expect(enqueued).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'add', state: 'PENDING', eta: null });

      await waitFor(enqueued.id, 'SUCCESS');
      const sut = await request('GET', `/${enqueued.id}`);

      expect(sut.status).toBe(200);
      expect(sut.body).toEqual({
        id: enqueued.id,
        name: 'add',
        state: 'SUCCESS',
        args: [10, 20],
        kwargs: {},
        queue: 'default',
        priority: null,
        expires: null,
        result: 30,
        error: null,
        retries: 0,
        progress: 0,
        eta: null,
        retryAt: null,
        createdAt: expect.any(String),
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        workflowId: null,
        parentId: null,
      });
      expect(Date.parse(sut.body.finishedAt as string)).toBeGreaterThanOrEqual(Date.parse(sut.body.startedAt as string));
    });

    it.each([
      [{ name: 'add', kwargs: { n: 44, m: 66 } }, 110],
      [{ name: 'low', args: [10], kwargs: { m: 20 } }, -10],
      [{ name: 'test_task', args: [666] }, TEST_TASK_RESULT],
    ])('runs the seed task %j', async (body, expected) => {
      const { id } = await enqueue(body);

      await expect(waitFor(id, 'SUCCESS', 'FAILURE')).resolves.toMatchObject({ state: 'SUCCESS', result: expected });
    });

    it('shows RETRY after a failed run, then SUCCESS', async () => {
      const { id } = await enqueue({ name: 'testing.flaky', args: [2] });
      const seen: TaskState[] = [];

      const sut = await client.waitForState(id, ['SUCCESS', 'FAILURE'], seen);

      expect(seen).toContain('RETRY');
      expect(sut).toMatchObject({ state: 'SUCCESS', result: 3, retries: 2, error: null });
    });

    it('ends a task that always fails in FAILURE with its message and no stack trace', async () => {
      const { id } = await enqueue({ name: 'testing.fail', args: ['the printer is on fire'] });

      await waitFor(id, 'FAILURE');
      const sut = await request('GET', `/${id}`);

      expect(sut.body).toMatchObject({ state: 'FAILURE', error: 'the printer is on fire', retries: 1, result: null });
      expect(JSON.stringify(sut.body)).not.toMatch(/\bat .*\.(js|ts):\d+/);
    });

    it('shows a running task as STARTED with its progress; it cannot be revoked while running or after', async () => {
      const gate = client.gate(randomUUID());
      const { id } = await enqueue({ name: 'testing.gate', args: [gate.name] });

      await client.waitForState(id, ['STARTED']);
      const progressed = pollUntil(
        () => client.tasks.result(id),
        (status) => status.progress >= 50,
        `task ${id} to report 50%`,
      );
      await expect(progressed).resolves.toMatchObject({ state: 'STARTED', startedAt: expect.any(String) });
      await expect(request('DELETE', `/${id}`)).resolves.toMatchObject({ status: 409, body: { code: 'TASK_NOT_REVOCABLE' } });

      await gate.open();
      await expect(waitFor(id, 'SUCCESS')).resolves.toMatchObject({ progress: 100 });
      await expect(request('DELETE', `/${id}`)).resolves.toMatchObject({ status: 409, body: { code: 'TASK_NOT_REVOCABLE' } });
    });

    it('never runs a countdown task before its time', async () => {
      const { id, eta } = await enqueue({ name: 'add', args: [1, 2], countdown: 1.5 });

      const sut = await waitFor(id, 'SUCCESS');

      expect(Date.parse(sut.startedAt!)).toBeGreaterThanOrEqual(Date.parse(eta!));
      expect(Date.parse(eta!) - Date.parse(sut.createdAt)).toBeGreaterThanOrEqual(1_400);
    });

    it('never runs an eta task before its time, whatever the offset it was given in', async () => {
      const due = new Date(Date.now() + 1_500);
      const inShanghai = new Date(due.getTime() + 8 * 3_600_000).toISOString().replace('Z', '+08:00');
      const { id, eta } = await enqueue({ name: 'add', args: [1, 2], eta: inShanghai });
      expect(eta).toBe(due.toISOString());

      const sut = await waitFor(id, 'SUCCESS');

      expect(Date.parse(sut.startedAt!)).toBeGreaterThanOrEqual(due.getTime());
    });

    it('runs an eta in the past at once', async () => {
      const { id } = await enqueue({ name: 'add', args: [1, 2], eta: '2001-01-01T00:00:00Z' });

      await expect(waitFor(id, 'SUCCESS')).resolves.toMatchObject({ result: 3, eta: '2001-01-01T00:00:00.000Z' });
    });
  });

  describe('with every worker down', () => {
    it('revokes a pending task for good: it never runs, also once a worker starts', async () => {
      const gate = client.gate(randomUUID());
      await gate.open();
      const soon = await enqueue({ name: 'testing.gate', args: [gate.name], countdown: 0.5 });
      const now = await enqueue({ name: 'testing.gate', args: [gate.name] });

      for (const { id } of [soon, now]) {
        await expect(request('DELETE', `/${id}`)).resolves.toMatchObject({
          status: 200,
          body: { id, state: 'REVOKED', finishedAt: expect.any(String) },
        });
      }
      const later = await enqueue({ name: 'testing.gate', args: [gate.name], countdown: 1 });
      await startWorker();

      await expect(waitFor(later.id, 'SUCCESS')).resolves.toMatchObject({ result: process.pid });
      expect(await gate.started()).toEqual([process.pid]);
      for (const { id } of [soon, now]) {
        await expect(request('GET', `/${id}`)).resolves.toMatchObject({ body: { state: 'REVOKED', startedAt: null } });
        await expect(request('DELETE', `/${id}`)).resolves.toMatchObject({ status: 409, body: { code: 'TASK_NOT_REVOCABLE' } });
      }
    });

    it('enqueues a task with a caller-chosen id once, however often it is asked', async () => {
      const id = randomUUID();

      await client.tasks.applyAsync('low', { args: [9, 1], countdown: 60, id });
      await client.tasks.applyAsync('low', { args: [9, 1], countdown: 60, id });

      const listed = (await client.tasks.list({ name: 'low', limit: 100 })).filter((task) => task.id === id);
      expect(listed).toHaveLength(1);
      await expect(client.tasks.applyAsync('low', { args: [9, 1], id: 'tick-1' })).rejects.toMatchObject({ code: 'TASK_INVALID_ID' });
    });

    it('enqueues tasks in bulk as one by one: the same jobs, each id once, none when a call is bad', async () => {
      const [single, first, second] = [randomUUID(), randomUUID(), randomUUID()];
      const options = { args: [9, 1], countdown: 60, priority: 2, expires: 120 };
      const job = async (id: string) => {
        const { queue } = await client.tasks.result(id);
        const { name, data, opts } = await client.redis.hgetall(`${environment.env.QUEUE_PREFIX}:${queue}:${id}`);
        const { timestamp, jobId, ...rest } = JSON.parse(opts) as Record<string, unknown>;
        return { queue, name, data: JSON.parse(data) as Record<string, unknown>, opts: rest, jobId, timestamp };
      };

      await client.tasks.applyAsync('low', { ...options, id: single });
      const sut = await client.tasks.applyAsyncBulk([
        { name: 'low', options: { ...options, id: first } },
        { name: 'add', options: { args: [1, 2], id: second } },
      ]);
      await client.tasks.applyAsyncBulk([{ name: 'low', options: { ...options, args: [5, 5], id: first } }]);

      expect(sut.map(({ id, name, state }) => ({ id, name, state }))).toEqual([
        { id: first, name: 'low', state: 'PENDING' },
        { id: second, name: 'add', state: 'PENDING' },
      ]);
      const { data: singleData, opts: singleOpts, queue } = await job(single);
      // The moments differ by the time between the calls.
      const { expires, eta, ...data } = singleData;
      await expect(job(first)).resolves.toEqual({
        queue,
        name: 'low',
        data: { ...data, expires: expect.any(String), eta: expect.any(String) },
        opts: singleOpts,
        jobId: first,
        timestamp: expect.any(Number),
      });
      expect([expires, eta]).toEqual([expect.any(String), expect.any(String)]);
      await expect(client.tasks.result(second)).resolves.toMatchObject({ name: 'add', args: [1, 2], state: 'PENDING' });

      const untouched = randomUUID();
      await expect(
        client.tasks.applyAsyncBulk([
          { name: 'add', options: { args: [1, 2], id: untouched } },
          { name: 'add', options: { args: ['one', 2] } },
        ]),
      ).rejects.toMatchObject({ code: 'TASK_INVALID_ARGS' });
      await expect(client.tasks.result(untouched)).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    });

    it('lists the most recent tasks, newest first, by state and name', async () => {
      const first = await enqueue({ name: 'low', args: [3, 1] });
      const second = await enqueue({ name: 'add', args: [1, 1] });
      const third = await enqueue({ name: 'low', args: [5, 1] });
      await request('DELETE', `/${third.id}`);

      const list = async (query: string) => (await request('GET', query)).body as unknown as TaskStatus[];
      const ours = (tasks: TaskStatus[]) => tasks.map((task) => task.id).filter((id) => [first.id, second.id, third.id].includes(id));

      expect((await list('?limit=3')).map((task) => task.id)).toEqual([third.id, second.id, first.id]);
      expect((await list('?limit=1')).map((task) => task.id)).toEqual([third.id]);
      const lows = await list('?name=low&limit=100');
      expect(lows.every((task) => task.name === 'low')).toBe(true);
      expect(ours(lows)).toEqual([third.id, first.id]);
      const pendingLows = await list('?state=PENDING&name=low&limit=100');
      expect(pendingLows.every((task) => task.state === 'PENDING' && task.name === 'low')).toBe(true);
      expect(ours(pendingLows)).toEqual([first.id]);
      expect(ours(await list('?state=REVOKED&limit=100'))).toEqual([third.id]);
    });
  });

  describe('refusing bad calls', () => {
    it('answers 404 for an unknown task, naming the known ones', async () => {
      await expect(request('POST', '', { name: 'mul', args: [2, 3] })).resolves.toMatchObject({
        status: 404,
        body: { code: 'TASK_UNKNOWN', message: expect.stringContaining('Unknown task "mul": known tasks are') },
      });
    });

    it('answers 400 for bad arguments, listing every problem', async () => {
      await expect(request('POST', '', { name: 'add', args: [1, 'two', 3] })).resolves.toMatchObject({
        status: 400,
        body: {
          code: 'TASK_INVALID_ARGS',
          details: {
            problems: ['takes 2 positional argument(s) but 3 were given', 'argument "m" must be a number (got "two")'],
          },
        },
      });
    });

    it.each([
      [{ name: 'add', args: [1, 2], eta: '2030-05-01T10:00:00' }, 'TASK_INVALID_SCHEDULE', /no time zone offset/],
      [{ name: 'add', args: [1, 2], eta: '2030-05-01T10:00:00Z', countdown: 3 }, 'TASK_INVALID_SCHEDULE', /not both/],
      [{ name: 'add', args: [1, 2], countdown: -1 }, 'VALIDATION_FAILED', /not valid/],
      [{ name: 'add', args: '1,2' }, 'VALIDATION_FAILED', /not valid/],
      [{ name: 'add', args: [1, 2], id: 5 }, 'VALIDATION_FAILED', /not valid/],
      [{ name: 'add', args: [1, 2], id: 'task-1' }, 'TASK_INVALID_ID', /must be a UUID/],
      [{ name: 'add', args: [1, 2], priority: 11 }, 'VALIDATION_FAILED', /not valid/],
      [{ name: 'add', args: [1, 2], queue: 'slow' }, 'TASK_INVALID_OPTION', /Unknown queue "slow"/],
      [{ name: 'add', args: [1, 2], expires: '2030-05-01T10:00:00' }, 'TASK_INVALID_OPTION', /expires must be/],
      [{ name: 'add', args: [1, 2], expires: null }, 'TASK_INVALID_OPTION', /expires must be/],
      [{ args: [1, 2] }, 'VALIDATION_FAILED', /not valid/],
    ])('answers 400 for %j', async (body, code, message) => {
      await expect(request('POST', '', body)).resolves.toMatchObject({
        status: 400,
        body: { code, message: expect.stringMatching(message) },
      });
    });

    it('answers a body that is not valid with every problem, in the error shape and nothing more', async () => {
      const sut = await request('POST', '', { name: 'add\u0000', args: null, priority: 11, taskId: 'x' });

      expect(sut).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: 'The request is not valid',
          details: [
            'property taskId should not exist',
            'name must not contain control characters (tab and newline included) nor bidirectional overrides',
            'args must be an array',
            'priority must not be greater than 10',
          ],
          requestId: expect.any(String),
        },
      });
    });

    it.each([['GET'], ['DELETE']])('answers %s of an id that never existed with 404', async (method) => {
      for (const id of [randomUUID(), 'wait', '..%2Fdefault%3Aactive']) {
        await expect(request(method, `/${id}`)).resolves.toMatchObject({ status: 404, body: { code: 'TASK_NOT_FOUND' } });
      }
    });

    it('answers 400 for a bad listing filter', async () => {
      await expect(request('GET', '?state=DONE')).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
      await expect(request('GET', '?limit=0')).resolves.toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    });

    it('is for admins only', async () => {
      await expect(request('GET', '', undefined, 'not-the-admin-token')).resolves.toMatchObject({ status: 403 });
      const anonymous = await fetch(`${api.url}/api/admin/tasks`);
      expect(anonymous.status).toBe(401);
    });
  });
});

describe('task results (e2e, TASK_RESULT_TTL=2)', () => {
  let environment: TestEnvironment;
  let worker: TestApp;
  let client: TaskClient;

  beforeAll(async () => {
    environment = createTestEnvironment();
    const env = { ...environment.env, LOG_LEVEL: 'error', TASK_RESULT_TTL: '2' };
    worker = await startTestApp('worker', env);
    client = await startTaskClient(env);
  });

  afterAll(async () => {
    await client?.close();
    await worker?.close();
    await environment.dispose();
  });

  it('are kept for the TTL after the task finishes, then removed from Redis', async () => {
    const { id } = await client.tasks.delay('add', 10, 20);
    const revoked = await client.tasks.applyAsync('add', { args: [1, 2], countdown: 60 });
    await client.tasks.revoke(revoked.id);

    const finished = await client.waitForState(id, ['SUCCESS']);

    for (const task of [id, revoked.id]) {
      const outcome = () =>
        client.tasks.result(task).then(
          (status) => status.state,
          (error: AppError) => error.code,
        );
      await expect(pollUntil(outcome, (code) => code === 'TASK_NOT_FOUND', `task ${task} to expire`)).resolves.toBe('TASK_NOT_FOUND');
    }
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(finished.finishedAt!) + 2_000);
    const keys = await client.redis.keys(`${environment.env.QUEUE_PREFIX}:*:${id}*`);
    expect(keys).toEqual([]);
  });
});

describe('a bulk enqueue the broker refuses (e2e)', () => {
  let environment: TestEnvironment;
  let client: TaskClient;

  beforeAll(async () => {
    environment = createTestEnvironment();
    client = await startTaskClient({ ...environment.env, LOG_LEVEL: 'error' });
  });

  afterAll(async () => {
    await client?.close();
    await environment.dispose();
  });

  it('rejects as applyAsync does when Redis refuses a job inside the transaction', async () => {
    // Bull pushes a job due now on the queue's wait list: a string there makes that push fail.
    await client.redis.set(`${environment.env.QUEUE_PREFIX}:default:wait`, 'not a list');
    const call = () => ({ name: 'add', options: { args: [1, 2], id: randomUUID() } });

    await expect(client.tasks.applyAsync(call().name, call().options)).rejects.toThrow('WRONGTYPE');
    await expect(client.tasks.applyAsyncBulk([call(), call()])).rejects.toThrow('The task broker refused to enqueue task');
  });
});

describe('when the broker is down (e2e)', () => {
  let environment: TestEnvironment;
  let redis: TestRedisServer;
  let api: TestApp;

  const post = (body: unknown) =>
    fetch(`${api.url}/api/admin/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    environment = createTestEnvironment();
    redis = await TestRedisServer.start();
    api = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'error', QUEUE_REDIS_URL: redis.url(1) });
  });

  afterAll(async () => {
    await api?.close();
    await redis?.stop();
    await environment.dispose();
  });

  it('answers 503 at once instead of hanging, and enqueues again once it is back', async () => {
    await redis.stop();

    const refused = await post({ name: 'add', args: [1, 2] });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'TASK_BROKER_UNAVAILABLE', message: expect.stringContaining('unreachable') });

    await redis.resume();
    const accepted = await pollUntil(
      () => post({ name: 'add', args: [1, 2] }),
      (response) => response.status === 202,
      'the broker to be back',
    );
    expect(await accepted.json()).toMatchObject({ name: 'add', state: 'PENDING' });
  });
});
