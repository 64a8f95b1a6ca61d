import { BeatCatalog } from '../../src/beat/beat-catalog';
import { BeatScheduler } from '../../src/beat/beat.scheduler';
import { intervalSchedule } from '../../src/beat/schedule';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics';
import { tickTaskId } from '../../src/beat/tick-task-id';
import { GATE_TASK } from '../fixtures/testing-tasks/gate.task';
import { parseJson, type LogLine } from '../support/json-body';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { TestRedisServer } from '../support/redis-server';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const QUIET = { LOG_LEVEL: 'warn' };
const NO_BANNER_REFRESH = { 'update-banner-list': { enabled: false } };

describe('beat (e2e, real Redis)', () => {
  let environment: TestEnvironment;
  let client: TaskClient;

  beforeAll(async () => {
    environment = createTestEnvironment();
    client = await startTaskClient({ ...environment.env, ...QUIET });
  });

  afterAll(async () => {
    await client.close();
    await environment.dispose();
  });

  describe('start-up', () => {
    it.each([
      [{ broken: { task: 'add', every: 'often' } }, 'Beat entry "broken": every must be a positive whole number'],
      [{ broken: { task: 'no_such_task', every: '5s' } }, 'Beat entry "broken": Unknown task "no_such_task"'],
      [{ broken: { task: 'add', cron: '0 8 * * *', args: ['ten', 20] } }, 'Beat entry "broken": '],
      [{ broken: { task: 'add', cron: '0 25 * * *', args: [1, 2] } }, 'Beat entry "broken": cron "0 25 * * *" is not valid'],
    ])('refuses %j with one line naming the entry', async (schedule, message) => {
      const sut = new MainProcess(['--role=beat'], { ...environment.env, BEAT_SCHEDULE: JSON.stringify(schedule) });
      try {
        await expect(sut.exitCode()).resolves.toBe(1);
        const fatal = sut.lines.filter((line) => line.includes('Beat entry'));
        expect(fatal).toHaveLength(1);
        expect(parseJson<LogLine>(fatal[0]).msg).toContain(message);
      } finally {
        await sut.stop();
      }
    });
  });

  describe('skip while pending', () => {
    let beat: TestApp;

    beforeAll(async () => {
      const schedule = { ...NO_BANNER_REFRESH, held: { task: GATE_TASK, every: '1h', args: ['skip'], skipIfPending: true } };
      // A beat records its metrics only where it serves them: on METRICS_PORT.
      beat = await startTestApp('beat', { ...environment.env, ...QUIET, METRICS_PORT: '0', BEAT_SCHEDULE: JSON.stringify(schedule) });
    });

    afterAll(async () => {
      await beat.close();
    });

    it('skips ticks while the previous task has not started, and resumes once it has run', async () => {
      const sut = beat.app.get(BeatScheduler);
      const entry = beat.app
        .get(BeatCatalog)
        .all()
        .find((candidate) => candidate.name === 'held')!;
      const tick = (minutes: number) => new Date(Date.UTC(2030, 0, 1, 0, minutes));

      await expect(sut.tick(entry, tick(0))).resolves.toBe('enqueued');
      await expect(sut.tick(entry, tick(1))).resolves.toBe('skipped');
      await expect(sut.tick(entry, tick(1))).resolves.toBe('claimed-elsewhere');
      await expect(sut.tick(entry, tick(0))).resolves.toBe('claimed-elsewhere');
      expect((await client.tasks.result(tickTaskId('held', tick(0)))).state).toBe('PENDING');
      await expect(client.tasks.result(tickTaskId('held', tick(1)))).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });

      await client.gate('skip').open();
      const worker = await startTestApp('worker', { ...environment.env, ...QUIET });
      try {
        await client.waitForState(tickTaskId('held', tick(0)), ['SUCCESS']);
      } finally {
        await worker.close();
      }

      await expect(sut.tick(entry, tick(2))).resolves.toBe('enqueued');
      const metrics = await beat.app.get(PrometheusMetrics).scrape();
      expect(metrics).toContain('beat_ticks_total{entry="held",outcome="enqueued"} 2');
      expect(metrics).toContain('beat_ticks_total{entry="held",outcome="skipped"} 1');
    });
  });

  describe('GET /api/admin/schedules', () => {
    let api: TestApp;

    beforeAll(async () => {
      const schedule = { 'test-task': { enabled: true }, weekly: { task: 'add', cron: '0 8 * * 1', args: [1, 2] } };
      api = await startTestApp('api', { ...environment.env, ...QUIET, BEAT_SCHEDULE: JSON.stringify(schedule) });
    });

    afterAll(async () => {
      await api.close();
    });

    const get = (headers: Record<string, string> = {}) => fetch(`${api.url}/api/admin/schedules`, { headers });

    it('needs the admin token', async () => {
      expect((await get()).status).toBe(401);
      expect((await get({ authorization: 'Bearer not-the-admin-token' })).status).toBe(403);
    });

    it('lists every entry with its next run in BEAT_TIMEZONE and UTC and its last task', async () => {
      const before = new Date();
      const response = await get({ authorization: `Bearer ${environment.env.ADMIN_TOKEN}` });

      expect(response.status).toBe(200);
      const body = (await response.json()) as Array<Record<string, unknown> & { nextRun: Record<string, string> | null }>;
      expect(body.map((entry) => entry.name)).toEqual(['update-banner-list', 'test-task', 'weekly']);
      const [banners, testTask, weekly] = body;
      expect(banners).toMatchObject({
        task: 'update_banner_list',
        schedule: 'every 10s',
        enabled: true,
        skipIfPending: true,
        lastTask: null,
      });
      const next = intervalSchedule('10s').next(before).toISOString();
      expect([next, intervalSchedule('10s').next(new Date(next)).toISOString()]).toContain(banners.nextRun?.utc);
      expect(banners.nextRun?.timeZone).toBe('Asia/Shanghai');
      expect(new Date(banners.nextRun!.local).toISOString()).toBe(banners.nextRun?.utc);
      expect(banners.nextRun?.local).toMatch(/\+08:00$/);
      expect(testTask).toMatchObject({ task: 'test_task', schedule: 'every 3s', args: [666], enabled: true });
      expect(weekly).toMatchObject({ schedule: 'cron 0 8 * * 1', args: [1, 2], kwargs: {} });
      expect(weekly.nextRun?.local).toMatch(/T08:00:00\.000\+08:00$/);
      expect(new Date(weekly.nextRun!.utc).getUTCDay()).toBe(1);
    });
  });

  describe('GET /api/admin/schedules with the queue Redis gone', () => {
    let redis: TestRedisServer;
    let api: TestApp;

    beforeAll(async () => {
      redis = await TestRedisServer.start();
      api = await startTestApp('api', { ...environment.env, ...QUIET, QUEUE_REDIS_URL: redis.url(1) });
    });

    afterAll(async () => {
      // Back up first, so that the queues close instead of reconnecting for ever.
      await redis.resume();
      await api.close();
      await redis.stop();
    });

    it('answers 503 TASK_BROKER_UNAVAILABLE, not a 500', async () => {
      await redis.stop();

      const response = await fetch(`${api.url}/api/admin/schedules`, {
        headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` },
      });

      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ code: 'TASK_BROKER_UNAVAILABLE' });
    });
  });

  describe('three beats and one worker', () => {
    const started: MainProcess[] = [];

    afterAll(async () => {
      await Promise.all(started.map((process) => process.stop()));
    });

    it('enqueue every tick exactly once and the worker runs each once', async () => {
      const gate = client.gate('every-tick');
      await gate.open();
      const schedule = { ...NO_BANNER_REFRESH, pulse: { task: GATE_TASK, every: '5s', args: [gate.name] } };
      const env = { ...environment.env, BEAT_SCHEDULE: JSON.stringify(schedule) };
      const beats = [0, 1, 2].map(() => new MainProcess(['--role=beat'], env));
      const worker = new MainProcess(['--role=worker'], env);
      started.push(...beats, worker);
      await Promise.all([...beats, worker].map((process) => process.ready()));

      const from = new Date();
      await new Promise((resolve) => setTimeout(resolve, 25_000));
      const until = new Date();
      await Promise.all(
        beats.map(async (beat) => {
          beat.child.kill('SIGTERM');
          await expect(beat.exitCode()).resolves.toBe(0);
        }),
      );

      const expected: Date[] = [];
      for (let tick = intervalSchedule('5s').next(from); tick < until; tick = intervalSchedule('5s').next(tick)) {
        expected.push(tick);
      }
      expect(expected.length).toBeGreaterThanOrEqual(4);
      for (const tick of expected) {
        await client.waitForState(tickTaskId('pulse', tick), ['SUCCESS']);
      }
      // Beats that were up before the others may have enqueued ticks just before `from`.
      const tickOf = new Map<string, Date>();
      const startOfRun = new Date(from.getTime() - 60_000);
      for (let tick = intervalSchedule('5s').next(startOfRun); tick < until; tick = intervalSchedule('5s').next(tick)) {
        tickOf.set(tickTaskId('pulse', tick), tick);
      }
      const enqueued = await client.tasks.list({ name: GATE_TASK, limit: 100 });
      const pulses = enqueued.filter((task) => (task.args as unknown[])[0] === gate.name);
      await pollUntil(gate.started, (runs) => runs.length >= pulses.length, 'every enqueued pulse to run');
      expect(pulses.filter((task) => !tickOf.has(task.id))).toEqual([]);
      // The beats claim a tick ahead of it, but enqueue it only once it is due.
      expect(pulses.filter((task) => new Date(task.createdAt) < tickOf.get(task.id)!)).toEqual([]);
      expect(new Set(pulses.map((task) => task.id)).size).toBe(pulses.length);
      expect(await gate.started()).toHaveLength(pulses.length);
    });

    it('leaves only keys that expire with the results', async () => {
      const keys = await client.redis.keys(`${environment.env.QUEUE_PREFIX}:default:beat:*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const ttl = await client.redis.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(86_400_000);
      }
      expect(await client.redis.keys(`${environment.env.QUEUE_PREFIX}:*:repeat*`)).toEqual([]);
    });
  });
});
