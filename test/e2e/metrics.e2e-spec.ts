import { expect } from '@jest/globals';
import Redis from 'ioredis';
import { MetricsServer } from '../../src/metrics/metrics.server';
import { TasksService } from '../../src/tasks/tasks.service';
import { FAIL_TASK } from '../fixtures/testing-tasks/fail.task';
import { GATE_TASK, gateKeys } from '../fixtures/testing-tasks/gate.task';
import { OVERRUN_TASK } from '../fixtures/testing-tasks/overrun.task';
import { WAIT_TASK } from '../fixtures/testing-tasks/wait.task';
import { jsonBody } from '../support/json-body';
import { pollUntil } from '../support/poll';
import { TestRedisServer } from '../support/redis-server';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** The value of one sample in Prometheus text, or undefined when the series is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** How many GET requests the api has timed for the route and status. */
function requests(text: string, route: string, status: number): number {
  return sample(text, `http_request_duration_seconds_count{method="GET",route="${route}",status_code="${status}"}`) ?? 0;
}

describe('metrics (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterAll(async () => {
    await environment.dispose();
  });

  describe('the api', () => {
    let sut: TestApp;

    const admin = () => ({ authorization: `Bearer ${environment.env.ADMIN_TOKEN}` });
    const scrape = async () => {
      const response = await fetch(`${sut.url}/metrics`, { headers: admin() });
      expect(response.status).toBe(200);
      return response.text();
    };

    beforeAll(async () => {
      sut = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'warn' });
    });

    afterAll(async () => {
      await sut.close();
    });

    it('serves Prometheus text at /metrics, outside the /api prefix, to the admin token', async () => {
      const response = await fetch(`${sut.url}/metrics`, { headers: admin() });

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4; charset=utf-8$/);
      const text = await response.text();
      expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
      expect(text).toContain('# TYPE tasks_total counter');
      expect((await fetch(`${sut.url}/api/metrics`)).status).toBe(404);
    });

    it.each([
      ['no token', {}, 401],
      ['a wrong token', { authorization: 'Bearer not-the-admin-token' }, 403],
      ['the token in the query string', {}, 401, `?access_token=TOKEN`],
    ])('refuses a scrape with %s on the public port', async (_, headers: Record<string, string>, status, query = '') => {
      const response = await fetch(`${sut.url}/metrics${query.replace('TOKEN', environment.env.ADMIN_TOKEN)}`, { headers });

      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ statusCode: status });
    });

    it('times each request under its route template and status', async () => {
      const before = requests(await scrape(), '/api/health', 200);

      await fetch(`${sut.url}/api/health`);
      await fetch(`${sut.url}/api/health`);

      expect(requests(await scrape(), '/api/health', 200)).toBe(before + 2);
    });

    it('labels parameterised routes by their template and unknown URLs as one series', async () => {
      const admin = { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` };
      const before = await scrape();

      await fetch(`${sut.url}/api/admin/tasks/00000000-0000-4000-8000-000000000001`, { headers: admin });
      await fetch(`${sut.url}/api/admin/tasks/00000000-0000-4000-8000-000000000002`, { headers: admin });
      await fetch(`${sut.url}/no/such/page-1`);
      await fetch(`${sut.url}/no/such/page-2`);

      const after = await scrape();
      expect(requests(after, '/api/admin/tasks/:id', 404)).toBe(requests(before, '/api/admin/tasks/:id', 404) + 2);
      expect(requests(after, '(unmatched)', 404)).toBe(requests(before, '(unmatched)', 404) + 2);
      expect(after).not.toContain('page-1');
      expect(after).not.toContain('00000000-0000-4000-8000-000000000001');
    });

    it('labels every page, file and API call of the queue dashboard as its one route, and its unknown paths as unmatched', async () => {
      const wrong = { authorization: `Basic ${Buffer.from('admin:not-the-token').toString('base64')}` };
      const before = await scrape();

      await fetch(`${sut.url}/admin/queues/api/queues`, { headers: wrong });
      await fetch(`${sut.url}/admin/queues/static/favicon-32x32.png`, { headers: wrong });
      await fetch(`${sut.url}/admin/queues/no-such-page`, { headers: wrong });

      const after = await scrape();
      expect(requests(after, '/admin/queues/*', 401)).toBe(requests(before, '/admin/queues/*', 401) + 2);
      expect(requests(after, '(unmatched)', 404)).toBe(requests(before, '(unmatched)', 404) + 1);
      expect(after).not.toContain('favicon');
    });

    it('counts the home banner reads by cache result', async () => {
      const before = await scrape();
      const count = (text: string, result: string) => sample(text, `cache_results_total{key="banner_list",result="${result}"}`) ?? 0;

      await fetch(`${sut.url}/api/home/banners`);
      await fetch(`${sut.url}/api/home/banners`);

      const after = await scrape();
      expect(count(after, 'miss') + count(after, 'hit')).toBe(count(before, 'miss') + count(before, 'hit') + 2);
      expect(count(after, 'hit')).toBeGreaterThan(count(before, 'hit'));
    });

    it('counts the jobs waiting in each queue when scraped', async () => {
      await sut.app.get(TasksService).delay('add', 1, 2);

      const text = await scrape();

      expect(sample(text, 'queue_jobs{queue="default",state="waiting"}')).toBe(1);
      expect(sample(text, 'queue_jobs{queue="default",state="active"}')).toBe(0);
    });

    it('counts the waiting jobs of each queue per priority band', async () => {
      const tasks = sut.app.get(TasksService);
      const count = (text: string, priority: string) => sample(text, `queue_waiting_jobs{queue="default",priority="${priority}"}`);
      const before = await scrape();

      await tasks.applyAsync('add', { args: [1, 2], priority: 1 });
      await tasks.applyAsync('add', { args: [1, 2], priority: 10 });
      await tasks.applyAsync('add', { args: [1, 2], priority: 10 });

      const after = await scrape();
      expect(count(after, '1')).toBe(count(before, '1')! + 1);
      expect(count(after, '10')).toBe(count(before, '10')! + 2);
      expect(count(after, 'none')).toBe(count(before, 'none'));
      expect(count(after, 'none')).toBe(
        sample(after, 'queue_jobs{queue="default",state="waiting"}')! - count(after, '1')! - count(after, '10')!,
      );
      expect(sample(after, 'queue_waiting_jobs{queue="banner",priority="none"}')).toBe(0);
    });
  });

  describe('a worker with METRICS_PORT', () => {
    let sut: TestApp;
    let url: string;
    let open = false;

    beforeAll(async () => {
      sut = await startTestApp('worker', { ...environment.env, LOG_LEVEL: 'warn', METRICS_PORT: '0' });
      open = true;
      url = sut.app.get(MetricsServer).url!;
    });

    afterAll(async () => {
      if (open) await sut.close();
    });

    it('serves its metrics on that port', async () => {
      const response = await fetch(url);

      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toContain('# TYPE task_duration_seconds histogram');
      expect(text).toMatch(/^queue_jobs\{queue="default",state="active"\} \d+$/m);
    });

    it('counts the runs of each task by the state they ended in', async () => {
      await sut.app.get(TasksService).delay(FAIL_TASK, 'counted failure');

      const text = await pollUntil(
        async () => (await fetch(url)).text(),
        (body) => sample(body, `tasks_total{task="${FAIL_TASK}",state="FAILURE"}`) === 1,
        `the final failure of ${FAIL_TASK} to be counted`,
      );
      expect(sample(text, `tasks_total{task="${FAIL_TASK}",state="RETRY"}`)).toBe(1);
      expect(sample(text, `task_duration_seconds_count{task="${FAIL_TASK}",state="FAILURE"}`)).toBe(1);
    });

    it('counts the runs that reach a soft or a hard time limit, and the tasks terminated, per task', async () => {
      const tasks = sut.app.get(TasksService);
      const series = (text: string, name: string) => sample(text, name) ?? 0;
      const soft = `tasks_time_limit_exceeded_total{task="${WAIT_TASK}",limit="soft"}`;
      const hard = `tasks_time_limit_exceeded_total{task="${OVERRUN_TASK}",limit="hard"}`;
      const terminated = `tasks_terminated_total{task="${WAIT_TASK}"}`;

      // Two runs each (one retry): both stopped by their limit.
      const softened = await tasks.applyAsync(WAIT_TASK, { args: [10_000], softTimeLimit: 0.2 });
      const overrun = await tasks.applyAsync(OVERRUN_TASK, { args: [400, `metrics-${environment.id}`], timeLimit: 0.2 });
      const running = await tasks.delay(WAIT_TASK, 10_000);
      await pollUntil(
        () => tasks.result(running.id),
        (status) => status.state === 'STARTED',
        'the task to terminate to start',
      );
      await tasks.revoke(running.id, { terminate: true });
      for (const { id } of [softened, overrun]) {
        await pollUntil(
          () => tasks.result(id),
          (status) => status.state === 'FAILURE',
          `task ${id} to fail at its limits`,
        );
      }

      const text = await (await fetch(url)).text();
      expect([series(text, soft), series(text, hard), series(text, terminated)]).toEqual([2, 2, 1]);
    });

    it('serves liveness and readiness there: the broker and MySQL, named to the admin token only', async () => {
      const base = new URL(url).origin;

      const live = await fetch(`${base}/health`);
      const anonymous = await fetch(`${base}/health/ready`);
      const detailed = await fetch(`${base}/health/ready`, { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } });

      expect(live.status).toBe(200);
      await expect(live.json()).resolves.toEqual({ status: 'ok' });
      expect(anonymous.status).toBe(200);
      await expect(anonymous.json()).resolves.toEqual({ status: 'ok' });
      await expect(detailed.json()).resolves.toEqual({
        status: 'ok',
        details: { queue_redis: { status: 'up' }, mysql: { status: 'up' } },
      });
    });

    it('serves nothing else there', async () => {
      const base = new URL(url).origin;

      const root = await fetch(`${base}/`);
      const health = await fetch(`${base}/api/health`);
      const post = await fetch(url, { method: 'POST' });

      expect(root.status).toBe(404);
      expect(await root.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
      expect(health.status).toBe(404);
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    });

    it('fails liveness while it shuts down, then closes the port', async () => {
      const base = new URL(url).origin;
      const gate = `shutdown-${environment.id}`;
      const keys = gateKeys(environment.env.QUEUE_PREFIX, gate);
      const redis = new Redis(environment.env.QUEUE_REDIS_URL);
      try {
        await sut.app.get(TasksService).delay(GATE_TASK, gate);
        await pollUntil(
          () => redis.llen(keys.started),
          (started) => started === 1,
          'the gate task to start',
        );

        const closing = sut.close();
        const live = await pollUntil(
          () => fetch(`${base}/health`),
          (response) => response.status !== 200,
          'liveness to fail',
        );
        await redis.set(keys.open, '1');
        await closing;
        open = false;

        expect(live.status).toBe(503);
        await expect(live.json()).resolves.toEqual({ status: 'shutting_down' });
        await expect(fetch(url)).rejects.toThrow();
      } finally {
        redis.disconnect();
      }
    });
  });

  describe('an api with METRICS_PORT', () => {
    let sut: TestApp;

    beforeAll(async () => {
      sut = await startTestApp('api', { ...environment.env, LOG_LEVEL: 'warn', METRICS_PORT: '0' });
    });

    afterAll(async () => {
      await sut.close();
    });

    it('moves /metrics to that port, without a token, and answers 404 on the public port', async () => {
      const publicPort = await fetch(`${sut.url}/metrics`, { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } });
      const privatePort = await fetch(sut.app.get(MetricsServer).url!);

      expect(publicPort.status).toBe(404);
      expect(privatePort.status).toBe(200);
      expect(await privatePort.text()).toContain('# TYPE http_request_duration_seconds histogram');
    });
  });

  describe('a beat with METRICS_PORT', () => {
    let redis: TestRedisServer;
    let sut: TestApp;
    let base: string;

    beforeAll(async () => {
      redis = await TestRedisServer.start();
      sut = await startTestApp('beat', { ...environment.env, LOG_LEVEL: 'error', METRICS_PORT: '0', QUEUE_REDIS_URL: redis.url(1) });
      base = new URL(sut.app.get(MetricsServer).url!).origin;
    });

    afterAll(async () => {
      await sut?.close();
      await redis?.stop();
    });

    it('is ready while the broker answers (it has no database), and not while it hangs', async () => {
      const detailed = { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } };
      // Ready once its connections are up, which may be a moment after the start.
      const up = await pollUntil(
        async () => jsonBody<{ status: string }>(await fetch(`${base}/health/ready`, detailed)),
        (body) => body.status === 'ok',
        'the beat to be ready',
      );
      expect(up).toEqual({ status: 'ok', details: { queue_redis: { status: 'up' } } });

      redis.pause();
      let down: Response, anonymous: Response, live: Response;
      try {
        [down, anonymous, live] = await Promise.all([
          fetch(`${base}/health/ready`, detailed),
          fetch(`${base}/health/ready`),
          fetch(`${base}/health`),
        ]);
      } finally {
        redis.unpause();
      }

      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({
        status: 'error',
        details: { queue_redis: { status: 'down', message: expect.any(String) } },
      });
      expect(anonymous.status).toBe(503);
      await expect(anonymous.json()).resolves.toEqual({ status: 'error' });
      expect(live.status).toBe(200);
    });
  });
});
