import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { MainProcess } from '../support/main-process';
import { TestRedisServer } from '../support/redis-server';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { reportFigures } from './support/figures';
import { type Answer, brief, countBy, crashLines, span, Traffic } from './support/outage';

const QUEUE_TIMEOUT_MS = 1_000;
/** First hung (SIGSTOP: commands are sent but never answered), then killed and down. */
const HANG_MS = 1_500;
const DOWN_MS = 2_000;
/** Room for a busy shared machine: this bounds a hang, it does not measure speed. */
const MARGIN_MS = 3_000;

/**
 * Scenario 3: the queue Redis (broker and results) hangs, is killed, and starts again on the same
 * port from its append-only file, as a supervisor restarts the stuck docker-compose queue Redis
 * (`--appendonly yes`): what it had accepted is still there. The hang leaves enqueues sent and
 * never read; one that Bull's client sent again after the restart would show as a job.
 */
describe('the queue Redis restarts under an api and a worker (real processes)', () => {
  let environment: TestEnvironment;
  let redis: TestRedisServer;
  let api: MainProcess;
  let worker: MainProcess;
  let url: string;
  let traffic: Traffic | undefined;
  let dataDir: string;

  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${url}/api/admin${path}`, {
      ...init,
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    });

  beforeAll(async () => {
    environment = createTestEnvironment();
    dataDir = mkdtempSync(join(tmpdir(), 'bt-faults-queue-redis-'));
    redis = await TestRedisServer.start(['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dataDir]);
    // A short lock, so that a job caught running by the kill is found stalled and run again quickly.
    const env = { ...environment.env, QUEUE_REDIS_URL: redis.url(1), QUEUE_TIMEOUT_MS: String(QUEUE_TIMEOUT_MS), WORKER_LOCK_SECONDS: '2' };
    api = new MainProcess(['--role=api'], env);
    url = (await api.ready())!;
    worker = new MainProcess(['--role=worker'], env);
    await worker.ready();
  });

  afterAll(async () => {
    await traffic?.stop();
    await Promise.all([api?.stop(), worker?.stop()]);
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await environment?.dispose();
  });

  it('answers 503 JSON within the timeout while it is down, never runs those, and runs every task it accepted', async () => {
    // Every enqueue adds 1000 to its own index, so each job in Redis names the request that sent it.
    traffic = new Traffic((index) => ({
      kind: 'enqueue',
      tag: index,
      send: () => admin('/tasks', { method: 'POST', body: JSON.stringify({ name: 'add', args: [index, 1000] }) }),
    }));
    await traffic.waitFor((answer) => answer.status === 202, 0, 'a first enqueue');

    const downAt = traffic.now();
    redis.pause();
    await new Promise((resolve) => setTimeout(resolve, HANG_MS));
    await redis.stop();
    const killedAt = traffic.now();
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    const upAt = traffic.now();
    await redis.resume();
    const backAt = traffic.now();
    const firstAccepted = await traffic.waitFor((answer) => answer.status === 202, upAt, 'an enqueue accepted after the restart');
    await traffic.waitFor((answer) => answer.status === 202, firstAccepted.at + 1_000, 'enqueues for a second more');
    await traffic.stop();
    const answers = traffic.answers;

    const unexpected = answers.filter((a) => !(a.status === 202 || (a.status === 503 && a.code === 'TASK_BROKER_UNAVAILABLE')));
    expect(unexpected.map(brief)).toEqual([]);
    const whileDown = answers.filter((a) => a.at >= downAt && a.at + a.ms <= upAt);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((a) => a.status !== 503).map(brief)).toEqual([]);
    // A wait for the connection, then one for the answer, each bounded by the timeout.
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest).toBeLessThan(2 * QUEUE_TIMEOUT_MS + MARGIN_MS);

    // The worker reconnected by itself: every task accepted, before or after the restart, runs.
    const acceptedAnswers = answers.filter((a) => a.status === 202);
    const results = await Promise.all(acceptedAnswers.map((a) => succeeded((a.body as { id: string }).id)));
    expect(results).toEqual(acceptedAnswers.map((a) => (a.tag as number) + 1000));

    // Nothing refused with a 503 reached Redis later (Bull's own client sends queued and
    // unanswered commands again after reconnecting).
    const stored = (await enqueuedIndexes()).sort((a, b) => a - b);
    expect(stored).toEqual(acceptedAnswers.map((a) => a.tag as number));

    expect(crashLines(api).concat(crashLines(worker))).toEqual([]);
    expect([api.child.exitCode, worker.child.exitCode]).toEqual([null, null]);

    reportFigures('queue-redis-restart', {
      queueTimeoutMs: QUEUE_TIMEOUT_MS,
      hangMs: killedAt - downAt,
      outageMs: backAt - downAt,
      errors: span(answers, (a) => a.status !== 202, downAt),
      firstAcceptedAfterRestartMs: firstAccepted.at - downAt,
      requests: answers.length,
      statuses: countBy(answers, (a: Answer) => String(a.status)),
      slowestMs: slowest,
      accepted: results.length,
      acceptedAfterKill: acceptedAnswers.filter((a) => a.at >= killedAt).length,
    });
  });

  async function succeeded(id: string): Promise<unknown> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const status = (await (await admin(`/tasks/${id}`)).json()) as { state: string; result: unknown };
      if (status.state === 'SUCCESS') return status.result;
      if (Date.now() > deadline) throw new Error(`Task ${id} did not succeed: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The index of every job in the queue Redis, read from its arguments. */
  async function enqueuedIndexes(): Promise<number[]> {
    const client = new Redis(redis.url(1));
    try {
      const keys = await client.keys(`${environment.env.QUEUE_PREFIX}:default:*`);
      const data = await Promise.all(keys.map(async (key) => ((await client.type(key)) === 'hash' ? client.hget(key, 'data') : null)));
      return data.filter((json): json is string => json !== null).map((json) => (JSON.parse(json) as { args: number[] }).args[0]);
    } finally {
      client.disconnect();
    }
  }
});
