import { setTimeout as sleep } from 'node:timers/promises';
import Redis from 'ioredis';
import { pollUntil } from '../support/poll';
import { TestRedisServer } from '../support/redis-server';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { fleetEnv, type ReadStatus, taskFigures, taskOf } from './support/fault-tasks';
import { reportFigures } from './support/figures';
import { Fleet, type FleetExit, type FleetMember, logRecords } from './support/fleet';
import { HttpLoad, paced } from './support/http-load';
import { JobEvents } from './support/job-events';

/** Load before the signal: enough for every worker to be in the middle of some tasks. */
const LOAD_BEFORE_SIGNAL_MS = 6_000;
/**
 * Enqueues per second, half of them tasks that take {@link SLEEP_MS}: more than the 8 slots of the
 * two workers (WORKER_CONCURRENCY 4) take, so at the signal every slot is busy and a backlog waits.
 */
const ENQUEUES_PER_SECOND = 20;
const SLEEP_MS = 2_000;
const CONCURRENCY = 8;
/** The load's length if nothing stopped it: far more than the run needs. */
const LOAD_LIMIT_MS = 600_000;
const GRACE_SECONDS = 10;
const LOCK_SECONDS = 3;
const SCHEDULE = { 'update-banner-list': { enabled: false }, 'test-task': { enabled: true, every: '1s' } };
/** Bull's lists and sets a job waits or runs in; all must be empty once the restarted worker is done. */
const UNFINISHED = { wait: 'list', active: 'list', paused: 'list', delayed: 'zset', failed: 'zset' } as const;
const DRAIN_TIMEOUT_MS = 60_000;
/** pino's level number of warn; error and fatal are above it. */
const PINO_WARN = 40;

/**
 * SIGTERM to every process of a loaded fleet (2 api, 2 worker, 3 beat) at once. Each must finish
 * what it has in hand and exit 0 within SHUTDOWN_GRACE_SECONDS (past it the process exits 1 by
 * itself, so exit code 0 is the proof). Then one api and one worker start again,
 * and every job the broker holds must end completed: what was waiting runs, and a job a worker had
 * taken but not started when it stopped runs again after the stalled check. The client keeps
 * sending during the shutdown; what an api answered 202 must complete exactly once.
 */
describe('SIGTERM to every process of a loaded fleet', () => {
  let redis: TestRedisServer;
  let broker: Redis;
  let environment: TestEnvironment;
  let fleet: Fleet;
  let events: JobEvents;
  let load: HttpLoad;
  let stopping: FleetMember[];
  let exits: FleetExit[];
  let queuePrefix: string;
  /** The id of each accepted request, by seq. */
  const ids: (string | undefined)[] = [];
  const unfinishedAfterExit: Record<string, number> = {};
  const unfinishedAtEnd: Record<string, number> = {};
  const statuses = new Map<string, ReadStatus>();

  const accepted = () => ids.filter((id): id is string => id !== undefined);

  async function countUnfinished(into: Record<string, number>): Promise<void> {
    for (const [name, kind] of Object.entries(UNFINISHED)) {
      const key = `${queuePrefix}:default:${name}`;
      into[name] = kind === 'list' ? await broker.llen(key) : await broker.zcard(key);
    }
  }

  beforeAll(async () => {
    const started = Date.now();
    redis = await TestRedisServer.start();
    broker = new Redis(redis.url(1));
    environment = createTestEnvironment();
    const env = fleetEnv(environment, redis, {
      WORKER_LOCK_SECONDS: String(LOCK_SECONDS),
      SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS),
      BEAT_SCHEDULE: JSON.stringify(SCHEDULE),
    });
    queuePrefix = env.QUEUE_PREFIX;
    events = await JobEvents.subscribe(redis.url(1), queuePrefix);
    fleet = new Fleet(env);
    // The apis first: they create the database and apply its migrations, which the workers need.
    await fleet.start('api', 2);
    await Promise.all([fleet.start('worker', 2), fleet.start('beat', 3)]);

    // The client keeps the addresses it was given and goes on sending until every process is gone.
    const urls = fleet.apiUrls();
    load = new HttpLoad(() => urls, env.ADMIN_TOKEN);
    let allExited = false;
    const requests = (LOAD_LIMIT_MS / 1_000) * ENQUEUES_PER_SECOND;
    const loadDone = Promise.all([
      paced(
        requests,
        LOAD_LIMIT_MS,
        CONCURRENCY,
        async (seq) => {
          const [name, args] = taskOf(seq, SLEEP_MS);
          ids[seq] = await load.enqueue(name, args);
        },
        () => allExited,
      ),
      paced(
        requests,
        LOAD_LIMIT_MS,
        CONCURRENCY,
        () => load.readBanners(),
        () => allExited,
      ),
    ]);
    await sleep(LOAD_BEFORE_SIGNAL_MS);
    stopping = fleet.running();
    const signalled = Date.now();
    const httpBeforeSignal = structuredClone(load.figures);
    exits = await fleet.signalAll('SIGTERM', (GRACE_SECONDS + 10) * 1_000);
    const shutdownMs = Date.now() - signalled;
    allExited = true;
    await loadDone;
    await countUnfinished(unfinishedAfterExit);

    const [[api]] = await Promise.all([fleet.start('api', 1), fleet.start('worker', 1)]);
    await pollUntil(
      async () => {
        await countUnfinished(unfinishedAtEnd);
        const incomplete = accepted().filter((id) => events.completionsOf(id).length === 0).length;
        return incomplete + Object.values(unfinishedAtEnd).reduce((sum, count) => sum + count);
      },
      (left) => left === 0,
      'every accepted task to complete and the broker to hold no unfinished job',
      { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 500 },
    ).catch(() => undefined);
    const statusReads = new HttpLoad(() => [api.url!], env.ADMIN_TOKEN);
    for (const id of accepted()) statuses.set(id, await statusReads.taskStatus(id));

    reportFigures('shutdown', {
      processes: { api: 2, worker: 2, beat: 3 },
      exitCodes: exits.map(({ role, code }) => `${role}:${code}`),
      shutdownSeconds: shutdownMs / 1_000,
      activeAtSignal: activeAtSignal(),
      unfinishedAfterExit,
      unfinishedAtEnd,
      tasks: taskFigures(accepted(), events, statuses),
      httpBeforeSignal,
      http: load.figures,
      stalledRecoveries: [...events.stalls.values()].reduce((sum, count) => sum + count, 0),
      runSeconds: Math.round((Date.now() - started) / 1_000),
    });
  }, 175_000);

  afterAll(async () => {
    await fleet?.stopAll();
    await events?.close();
    await broker?.quit();
    await redis?.stop();
    await environment?.dispose();
  });

  /** The jobs each stopping worker said it was waiting for. */
  function activeAtSignal(): number {
    return logRecords(stopping.filter((member) => member.role === 'worker'))
      .filter((record) => record.msg === 'Stopped taking jobs, waiting for the active ones')
      .reduce((sum, record) => sum + (record.active as number), 0);
  }

  it('every process exits 0 within the grace period, after a clean shutdown with no warning or error logged', () => {
    const complaints = logRecords(stopping).filter((record) => (record.level as number) >= PINO_WARN);

    expect(exits).toHaveLength(7);
    for (const exit of exits) {
      expect({ role: exit.role, code: exit.code, signal: exit.signal }).toEqual({ role: exit.role, code: 0, signal: null });
      expect(exit.lastLine).toContain('Shut down cleanly');
    }
    expect(complaints).toEqual([]);
  });

  it('each worker finished, before exiting, every task it had started (and was in the middle of some)', () => {
    const abandoned = stopping
      .filter((member) => member.role === 'worker')
      .flatMap((member) => {
        const records = logRecords([member]);
        const done = new Set(records.filter((record) => record.msg === 'Task succeeded').map((record) => record.taskId));
        return records.filter((record) => record.msg === 'Task started' && !done.has(record.taskId)).map((record) => record.taskId);
      });

    expect(activeAtSignal()).toBeGreaterThan(0);
    expect(abandoned).toEqual([]);
  });

  it('completes every task an api accepted exactly once after a restart, SUCCESS over the API; nothing left unfinished', () => {
    const lost = accepted().filter((id) => events.completionsOf(id).length === 0);
    const doubled = accepted().filter((id) => events.completionsOf(id).length > 1);

    const notSuccess = ids.flatMap((id, seq) => {
      const status = id === undefined ? undefined : statuses.get(id);
      return id === undefined || (status?.state === 'SUCCESS' && status.result === seq) ? [] : [{ seq, id, status }];
    });

    expect(accepted().length).toBeGreaterThan(0);
    expect({ lost, doubled, notSuccess, failedRuns: [...events.failures], unfinishedAtEnd }).toEqual({
      lost: [],
      doubled: [],
      notSuccess: [],
      failedRuns: [],
      unfinishedAtEnd: { wait: 0, active: 0, paused: 0, delayed: 0, failed: 0 },
    });
  });
});
