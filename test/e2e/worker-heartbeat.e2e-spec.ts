import { expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import Bull, { type Job, type Queue } from 'bull';
import Redis, { type Cluster } from 'ioredis';
import { type BeatOutcome, HeartbeatStore, type HeartbeatTarget } from '../../src/tasks/runtime/heartbeat/heartbeat.store';
import { QueueClusterClients } from '../../src/tasks/runtime/queue-cluster';
import { READY_AHEAD_MS } from '../../src/tasks/runtime/due-task-readiness';
import { QUEUES, TaskQueues } from '../../src/tasks/runtime/queues';
import { GATE_TASK } from '../fixtures/testing-tasks/gate.task';
import type { MainProcess } from '../support/main-process';
import type { Gate } from '../support/task-client';
import { pollUntil } from '../support/poll';
import { TestRedisCluster } from '../support/redis-cluster';
import { startTestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { workerFleet } from '../support/worker-fleet';

const MAX_STALLED_COUNT = 2;
/** Short, so that a test sees heartbeats expire; the gaps the tests make are far from both bounds. */
const TTL_MS = 1_000;
const MAX_GAP_MS = 600;
const BEAT_EVERY_MS = 100;

/**
 * The threads named `heartbeat` in a process: Node names a worker thread's OS thread after the
 * Worker's `name` (read in /proc/<pid>/task/<tid>/comm).
 */
function heartbeatThreads(pid: number | 'self'): number {
  return readdirSync(`/proc/${pid}/task`).filter((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim() === 'heartbeat';
    } catch {
      return false; // a thread that ended meanwhile
    }
  }).length;
}

/**
 * The heartbeat script against the real Redis and real Bull 4 queues: two queue instances over the
 * same keys play two worker processes, each with its own lock token, as two `--role=worker`
 * processes would. Bull's own scripts then take, complete and fail the jobs the heartbeat returned.
 */
describe('worker heartbeats (e2e, real Redis and Bull)', () => {
  let environment: TestEnvironment;
  let redis: Redis;
  let store: HeartbeatStore;
  /** A fresh queue per test; the environment's key prefix holds them all until it is disposed. */
  let queueName: string;
  const queues: Queue[] = [];

  const keyOf = (name: string) => `${environment.env.QUEUE_PREFIX}:${queueName}:${name}`;

  /** A worker process's queue instance and its heartbeat target. */
  function worker(): { queue: Queue; target: HeartbeatTarget } {
    const queue = new Bull(queueName, environment.env.QUEUE_REDIS_URL, { prefix: environment.env.QUEUE_PREFIX });
    queues.push(queue);
    const token = (queue as Queue & { token: string }).token;
    return { queue, target: { queue: queueName, keyPrefix: queue.toKey(''), token } };
  }

  /** Adds a job and lets `queue` take it, as its processor would: active, locked with its token. */
  async function takeJob(queue: Queue): Promise<Job> {
    const id = randomUUID();
    await queue.add('x', {}, { jobId: id });
    const job = await queue.getNextJob();
    expect(job?.id).toBe(id);
    return job!;
  }

  /** Beats every {@link BEAT_EVERY_MS} until a beat returns something (or the deadline). */
  const beatUntilReaped = (target: HeartbeatTarget) =>
    pollUntil(
      () => store.beat(target, true),
      (outcome: BeatOutcome) => outcome.requeued.length + outcome.failing.length > 0,
      'a beat that returns the jobs of the dead worker',
      { timeoutMs: 10_000, intervalMs: BEAT_EVERY_MS },
    );

  beforeAll(() => {
    environment = createTestEnvironment();
    redis = new Redis(environment.env.QUEUE_REDIS_URL);
    store = new HeartbeatStore(redis, { ttlMs: TTL_MS, maxGapMs: MAX_GAP_MS, maxStalledCount: MAX_STALLED_COUNT });
  });

  beforeEach(() => {
    queueName = `heartbeat-${randomUUID()}`;
  });

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });

  afterAll(async () => {
    await redis.quit();
    await environment.dispose();
  });

  it('returns a dead worker’s running job to the head of the queue; another worker runs it, the dead one can no longer complete it', async () => {
    const dead = worker();
    const survivor = worker();
    const job = await takeJob(dead.queue);
    await redis.rpush(keyOf('wait'), 'queued-before');
    await store.beat(dead.target, true);
    await store.forget(dead.target);

    const outcome = await beatUntilReaped(survivor.target);

    expect(outcome).toEqual({ lapsed: false, requeued: [job.id], failing: [] });
    expect(await redis.lrange(keyOf('active'), 0, -1)).toEqual([]);
    expect(await redis.lrange(keyOf('wait'), -1, -1)).toEqual([job.id]);
    expect(await redis.exists(keyOf(`${job.id}:lock`))).toBe(0);
    expect(await redis.hget(keyOf(String(job.id)), 'stalledCounter')).toBe('1');
    expect(await redis.smembers(keyOf('heartbeats'))).toEqual([survivor.target.token]);
    await expect(job.moveToCompleted('late', false, true)).rejects.toThrow(/Missing lock/);
    const again = (await survivor.queue.getNextJob()) as Job;
    expect(again.id).toBe(job.id);
    await again.moveToCompleted('done', false, true);
    expect(await survivor.queue.getJob(job.id)).toMatchObject({ returnvalue: 'done' });
  });

  it('returns it to the paused list while the queue is paused, so it waits for the resume', async () => {
    const dead = worker();
    const survivor = worker();
    const job = await takeJob(dead.queue);
    await survivor.queue.pause();
    await store.beat(dead.target, true);
    await store.forget(dead.target);

    await beatUntilReaped(survivor.target);

    expect(await redis.lrange(keyOf('paused'), 0, -1)).toEqual([job.id]);
    expect(await redis.llen(keyOf('wait'))).toBe(0);
  });

  it('leaves alone the jobs of workers that beat, and those of no worker it knows', async () => {
    const alive = worker();
    const unknown = worker();
    const survivor = worker();
    const aliveJob = await takeJob(alive.queue);
    const unknownJob = await takeJob(unknown.queue);

    const deadline = Date.now() + 2 * TTL_MS;
    while (Date.now() < deadline) {
      await store.beat(alive.target, true);
      expect(await store.beat(survivor.target, true)).toEqual({ lapsed: expect.any(Boolean), requeued: [], failing: [] });
      await sleep(BEAT_EVERY_MS);
    }

    expect((await redis.lrange(keyOf('active'), 0, -1)).sort()).toEqual([aliveJob.id, unknownJob.id].sort());
    expect(await redis.get(keyOf(`${aliveJob.id}:lock`))).toBe(alive.target.token);
  });

  it('reaps only after beating without a break for a whole TTL, and not while retired', async () => {
    const dead = worker();
    const survivor = worker();
    const job = await takeJob(dead.queue);
    await store.beat(dead.target, true);
    await store.forget(dead.target);
    const nothing = { requeued: [], failing: [] };

    const started = Date.now();
    expect(await store.beat(survivor.target, true)).toEqual({ lapsed: true, ...nothing });
    while (Date.now() - started < TTL_MS - 300) {
      await sleep(BEAT_EVERY_MS);
      expect(await store.beat(survivor.target, true)).toMatchObject(nothing);
    }
    // A gap longer than MAX_GAP_MS (the heartbeat itself lives on): this process, or Redis, stood
    // still, so peers may have missed beats too; the TTL counts again from here.
    await sleep(MAX_GAP_MS + 200);
    expect(await store.beat(survivor.target, true)).toEqual({ lapsed: false, ...nothing });
    const retired = Date.now();
    while (Date.now() - retired < TTL_MS + 300) {
      await sleep(BEAT_EVERY_MS);
      expect(await store.beat(survivor.target, false)).toMatchObject(nothing);
    }

    expect(await store.beat(survivor.target, true)).toMatchObject({ requeued: [job.id] });
  });

  it('unlocks a job that came back too often and leaves it to Bull’s stalled check, which fails it', async () => {
    const dead = worker();
    const survivor = worker();
    const job = await takeJob(dead.queue);
    await redis.hset(keyOf(String(job.id)), 'stalledCounter', MAX_STALLED_COUNT);
    await store.beat(dead.target, true);
    await store.forget(dead.target);

    const outcome = await beatUntilReaped(survivor.target);
    // Bull's stalled check, which a processing queue runs every stalledInterval (untyped in bull 4).
    await (survivor.queue as Queue & { moveUnlockedJobsToWait(): Promise<void> }).moveUnlockedJobsToWait();

    expect(outcome).toEqual({ lapsed: false, requeued: [], failing: [job.id] });
    expect(await survivor.queue.getJob(job.id)).toMatchObject({ failedReason: 'job stalled more than allowable limit' });
  });

  it('beats from the idle worker role’s main thread, with its queue’s lock token, and ends the heartbeat on close', async () => {
    queueName = QUEUES.default;
    const sut = await startTestApp('worker', { ...environment.env, LOG_LEVEL: 'error' });
    const token = (sut.app.get(TaskQueues).get(QUEUES.default) as Queue & { token: string }).token;
    try {
      const beat = await pollUntil(
        () => redis.get(keyOf(`heartbeat:${token}`)),
        (value) => value !== null,
        'the worker’s first beat',
      );
      expect(beat).toMatch(/^\d+:\d+$/);
      expect(await redis.smembers(keyOf('heartbeats'))).toEqual([token]);
      const lastBeat = async () => Number((await redis.get(keyOf(`heartbeat:${token}`)))?.split(':')[1]);
      const first = await lastBeat();
      await pollUntil(lastBeat, (last) => last > first, 'a renewal of the worker’s heartbeat');
      expect(heartbeatThreads('self')).toBe(0);
    } finally {
      await sut.close();
    }

    expect(await redis.exists(keyOf(`heartbeat:${token}`))).toBe(0);
    expect(await redis.smembers(keyOf('heartbeats'))).toEqual([token]);
  });

  it('tells a worker that its own heartbeat had expired', async () => {
    const late = worker();
    await store.beat(late.target, true);

    await sleep(TTL_MS + 200);

    expect(await store.beat(late.target, true)).toMatchObject({ lapsed: true });
    expect(await store.beat(late.target, true)).toMatchObject({ lapsed: false });
  });
});

describe('worker heartbeats on a Redis Cluster (e2e, three masters)', () => {
  let cluster: TestRedisCluster;
  let clients: QueueClusterClients;
  let redis: Cluster;
  const queues: Queue[] = [];
  // Hash-tagged as QUEUE_PREFIX is on a cluster: Bull's keys and the heartbeats share one slot.
  const prefix = `{e2e-heartbeat-${randomUUID()}}`;

  beforeAll(async () => {
    cluster = await TestRedisCluster.start();
    const [port] = cluster.ports;
    clients = new QueueClusterClients({ url: cluster.url(), host: '127.0.0.1', port, db: 0 });
    redis = clients.create('client');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(queues.map((queue) => queue.close()));
    await clients?.close();
    await cluster?.stop();
  });

  it('returns a dead worker’s running job from the queue’s slot, and another worker runs it', async () => {
    const [dead, survivor] = [0, 1].map(() => {
      const queue = new Bull(QUEUES.default, { prefix, createClient: (type) => clients.create(type) });
      queues.push(queue);
      return { queue, target: { queue: QUEUES.default, keyPrefix: queue.toKey(''), token: (queue as Queue & { token: string }).token } };
    });
    const store = new HeartbeatStore(redis, { ttlMs: TTL_MS, maxGapMs: MAX_GAP_MS, maxStalledCount: MAX_STALLED_COUNT });
    const id = randomUUID();
    await dead.queue.add('x', {}, { jobId: id });
    expect(((await dead.queue.getNextJob()) as Job).id).toBe(id);
    await store.beat(dead.target, true);
    await store.forget(dead.target);

    const outcome = await pollUntil(
      () => store.beat(survivor.target, true),
      (beat: BeatOutcome) => beat.requeued.length > 0,
      'a beat that returns the job of the dead worker',
      { timeoutMs: 10_000, intervalMs: BEAT_EVERY_MS },
    );

    expect(outcome).toEqual({ lapsed: false, requeued: [id], failing: [] });
    expect(((await survivor.queue.getNextJob()) as Job).id).toBe(id);
  });
});

/**
 * Who beats for a worker process (`node dist/main --role=worker`): its main thread while idle, a
 * thread of its own from its first task until it has run none for MEMORY_TRIM_IDLE_SECONDS.
 */
describe('the worker’s heartbeat thread runs only while the worker runs tasks (e2e, node dist/main)', () => {
  const fleet = workerFleet({ WORKER_HEARTBEAT_TTL_SECONDS: '2' });
  const key = (name: string) => `${fleet.environment.env.QUEUE_PREFIX}:${QUEUES.default}:${name}`;
  const tokens = () => fleet.client.redis.smembers(key('heartbeats'));

  /** Resolves once the heartbeat of `token` has been renewed twice from now. */
  async function renewedTwice(token: string): Promise<void> {
    const lastBeat = async () => Number((await fleet.client.redis.get(key(`heartbeat:${token}`)))?.split(':')[1] ?? 0);
    for (let beat = 0; beat < 2; beat++) {
      const before = await lastBeat();
      await pollUntil(lastBeat, (last) => last > before, `a renewal of the heartbeat of ${token}`);
    }
  }

  /** Starts a worker and answers its lock token, once it beats. */
  async function startWorker(env: Record<string, string> = {}): Promise<{ worker: MainProcess; token: string }> {
    const before = await tokens();
    const worker = await fleet.startWorker(env);
    const isNew = (listed: string) => !before.includes(listed);
    const [token] = (await pollUntil(tokens, (listed) => listed.some(isNew), 'the new worker’s first beat')).filter(isNew);
    return { worker, token };
  }

  /** Starts a `testing.gate` task and resolves once a worker runs it. */
  async function runningTask(): Promise<{ id: string; gate: Gate }> {
    const gate = fleet.client.gate(randomUUID());
    const { id } = await fleet.client.tasks.delay(GATE_TASK, gate.name);
    await pollUntil(
      () => gate.started(),
      (pids) => pids.length === 1,
      'the task to start',
    );
    return { id, gate };
  }

  const warnings = (worker: MainProcess) => worker.lines.filter((line) => /"level":(40|50|60)/.test(line));

  it('an idle worker beats from its main thread, with no heartbeat thread, and a peer reaps it once it is killed', async () => {
    const killed = await startWorker();
    const peer = await startWorker();
    await Promise.all([renewedTwice(killed.token), renewedTwice(peer.token)]);
    expect([heartbeatThreads(killed.worker.child.pid!), heartbeatThreads(peer.worker.child.pid!)]).toEqual([0, 0]);

    killed.worker.signal('SIGKILL');
    await killed.worker.exitCode();

    await pollUntil(tokens, (listed) => !listed.includes(killed.token), 'the peer to reap the killed worker', { timeoutMs: 10_000 });
    expect(await tokens()).toEqual([peer.token]);
  });

  it('a worker beats from a thread while it runs tasks, until it has run none for MEMORY_TRIM_IDLE_SECONDS, and ends the heartbeat on SIGTERM while the thread beats', async () => {
    const { worker, token } = await startWorker({ MEMORY_TRIM_IDLE_SECONDS: '1' });
    const pid = worker.child.pid!;
    const threads = () => heartbeatThreads(pid);
    expect(threads()).toBe(0);

    const first = await runningTask();
    await pollUntil(threads, (count) => count === 1, 'a heartbeat thread while the task runs');
    await renewedTwice(token);
    await first.gate.open();
    await fleet.client.waitForState(first.id, ['SUCCESS']);
    await pollUntil(threads, (count) => count === 0, 'the heartbeat thread to end once the worker is idle');
    await renewedTwice(token);

    const second = await runningTask();
    await pollUntil(threads, (count) => count === 1, 'a heartbeat thread again for the next task');
    worker.signal('SIGTERM');
    await second.gate.open();

    expect(await worker.exitCode()).toBe(0);
    expect(await fleet.client.redis.exists(key(`heartbeat:${token}`))).toBe(0);
    expect(await tokens()).toContain(token);
    expect(await fleet.client.tasks.result(second.id)).toMatchObject({ state: 'SUCCESS' });
    expect(warnings(worker)).toEqual([]);
  });

  it('an idle worker starts its heartbeat thread READY_AHEAD_MS before a delayed task is due, not as it starts', async () => {
    const { worker } = await startWorker();
    const threads = () => heartbeatThreads(worker.child.pid!);
    const eta = Date.now() + 4_000;
    const { id } = await fleet.client.tasks.applyAsync('add', { args: [1, 2], eta: new Date(eta).toISOString() });

    await pollUntil(threads, (count) => count === 1, 'a heartbeat thread ahead of the due task', { intervalMs: 10 });
    const startedAt = Date.now();
    expect(await fleet.client.tasks.result(id)).toMatchObject({ state: 'PENDING' });
    expect(startedAt).toBeGreaterThanOrEqual(eta - READY_AHEAD_MS);
    // The thread's start-up is behind it before the task is due.
    expect(startedAt).toBeLessThan(eta - READY_AHEAD_MS / 2);
    await fleet.client.waitForState(id, ['SUCCESS']);
    expect(threads()).toBe(1);
  });

  it('a heartbeat thread gives back the garbage of its start-up once it beats', async () => {
    const { worker } = await startWorker({ LOG_LEVEL: 'debug' });
    const task = await runningTask();
    const collected = (line: string) => line.includes('"msg":"The heartbeat thread gave back the garbage of its start-up"');
    const line = await pollUntil(
      () => worker.lines.find(collected),
      (found) => found !== undefined,
      'the heartbeat thread’s collection',
    );
    await task.gate.open();
    await fleet.client.waitForState(task.id, ['SUCCESS']);

    const [before, after] = (JSON.parse(line!) as { heapMb: [number, number] }).heapMb;
    expect(after).toBeLessThan(before);
  });
});
