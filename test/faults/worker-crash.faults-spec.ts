import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { parseConfig } from '../../src/config/app-config';
import { beatIntervalMs } from '../../src/tasks/runtime/heartbeat/heartbeat.loop';
import type { TaskStatus } from '../../src/tasks/admin/dto/task-status.response';
import { BLOCK_TASK } from '../fixtures/testing-tasks/block.task';
import { GATE_TASK } from '../fixtures/testing-tasks/gate.task';
import { pollUntil } from '../support/poll';
import { TestRedisServer } from '../support/redis-server';
import { startTaskClient, type TaskClient } from '../support/task-client';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { fleetEnv } from './support/fault-tasks';
import { reportFigures } from './support/figures';
import { Fleet, type FleetMember, logRecords } from './support/fleet';
import { JobEvents } from './support/job-events';

/** The defaults under test: the scenario sets neither WORKER_LOCK_SECONDS nor the heartbeat TTL. */
const DEFAULTS = parseConfig({}).worker;
/**
 * The recovery bound docs/crash-recovery.md states: the dead worker's heartbeat expires at most a
 * TTL after its last beat, a live worker's reaper runs every beat interval, and this margin covers
 * taking the job again and running a task that returns at once on this shared machine.
 */
const MARGIN_MS = 1_000;
const RECOVERY_BOUND_MS = DEFAULTS.heartbeatTtlMs + beatIntervalMs(DEFAULTS.heartbeatTtlMs) + MARGIN_MS;
/** Every slot of the victim (WORKER_CONCURRENCY's default) holds a task when it is killed. */
const HELD_TASKS = 4;
/** A handler that blocks its worker's event loop this long must not be taken for a dead worker. */
const BLOCK_MS = 60_000;
const SECOND = 1_000;

/**
 * Crash recovery with the default settings, on real `node dist/main --role=worker` processes:
 * 1. a worker running four tasks is SIGKILLed; the time from the kill until all four are SUCCESS on
 *    the other workers is measured and must stay within the heartbeat's bound;
 * 2. then a task blocks its worker's event loop for a minute while an idle worker watches: it must
 *    run once and complete once, never be taken back as stalled.
 * Completions and stalls are counted from what the broker publishes (see JobEvents).
 */
describe('a killed worker’s tasks run again within seconds; a blocked event loop is not a death (default settings)', () => {
  let redis: TestRedisServer;
  let broker: Redis;
  let environment: TestEnvironment;
  let client: TaskClient;
  let fleet: Fleet;
  let events: JobEvents;
  let victim: FleetMember;
  let survivors: FleetMember[];
  let heldIds: string[];
  let recovered: TaskStatus[];
  let recoveryMs: number;
  let blockId: string;
  let blocked: TaskStatus;
  let heartbeatKeys: string;

  /** Waits until every live worker has beaten without a break for a whole TTL, so it may reap. */
  async function reapersArmed(workers: number): Promise<void> {
    await pollUntil(
      async () => {
        const keys = await broker.keys(heartbeatKeys);
        const values = keys.length > 0 ? await broker.mget(keys) : [];
        return values.map((value) => value?.split(':').map(Number) ?? [0, 0]);
      },
      (beats) => beats.length === workers && beats.every(([since, last]) => last - since >= DEFAULTS.heartbeatTtlMs),
      `${workers} workers beating for a whole heartbeat TTL`,
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  beforeAll(async () => {
    const started = Date.now();
    redis = await TestRedisServer.start();
    environment = createTestEnvironment();
    const env = fleetEnv(environment, redis, {});
    broker = new Redis(env.QUEUE_REDIS_URL);
    heartbeatKeys = `${env.QUEUE_PREFIX}:default:heartbeat:*`;
    events = await JobEvents.subscribe(env.QUEUE_REDIS_URL, env.QUEUE_PREFIX);
    client = await startTaskClient({ ...env, LOG_LEVEL: 'error' });
    fleet = new Fleet(env);

    [victim] = await fleet.start('worker', 1);
    const gate = client.gate(randomUUID());
    heldIds = [];
    for (let task = 0; task < HELD_TASKS; task++) heldIds.push((await client.tasks.delay(GATE_TASK, gate.name)).id);
    await pollUntil(
      () => gate.started(),
      (pids) => pids.length === HELD_TASKS,
      `the victim to start all ${HELD_TASKS} tasks`,
    );
    survivors = await fleet.start('worker', 2);
    await reapersArmed(3);

    victim.process.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.process.exitCode();
    await gate.open();
    recovered = await pollUntil(
      () => Promise.all(heldIds.map((id) => client.tasks.result(id))),
      (statuses) => statuses.every((status) => status.state === 'SUCCESS'),
      'every task of the killed worker to succeed elsewhere',
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    recoveryMs = Date.now() - killedAt;

    blockId = (await client.tasks.delay(BLOCK_TASK, BLOCK_MS)).id;
    blocked = await pollUntil(
      () => client.tasks.result(blockId),
      (status) => status.state === 'SUCCESS' || status.state === 'FAILURE',
      'the blocking task to finish',
      { timeoutMs: BLOCK_MS + 60_000, intervalMs: 500 },
    );

    reportFigures('worker-crash', {
      settings: { workerLockSeconds: DEFAULTS.lockMs / SECOND, heartbeatTtlSeconds: DEFAULTS.heartbeatTtlMs / SECOND },
      killedWorkerTasks: HELD_TASKS,
      recoveryMs,
      recoveryBoundMs: RECOVERY_BOUND_MS,
      blockedLoopSeconds: BLOCK_MS / SECOND,
      blockedTaskRuns: startsOf(blockId).length,
      runSeconds: Math.round((Date.now() - started) / SECOND),
    });
  }, 175_000);

  afterAll(async () => {
    await fleet?.stopAll();
    await client?.close();
    await events?.close();
    await broker?.quit();
    await redis?.stop();
    await environment?.dispose();
  });

  /** The pids of the workers that logged starting the task. */
  function startsOf(id: string): number[] {
    return fleet.everStarted('worker').flatMap((member) =>
      logRecords([member])
        .filter((record) => record.msg === 'Task started' && record.taskId === id)
        .map(() => member.process.child.pid!),
    );
  }

  it(`runs every task of a SIGKILLed worker to SUCCESS on the others within the heartbeat bound (${RECOVERY_BOUND_MS / SECOND} s)`, () => {
    const survivorPids = survivors.map((member) => member.process.child.pid);

    expect(recovered.map((status) => survivorPids.includes(status.result as number))).toEqual(heldIds.map(() => true));
    expect(heldIds.map((id) => startsOf(id)[0])).toEqual(heldIds.map(() => victim.process.child.pid));
    expect(heldIds.map((id) => ({ stalls: events.stalls.get(id), completions: events.completionsOf(id).length }))).toEqual(
      heldIds.map(() => ({ stalls: 1, completions: 1 })),
    );
    // Logged by the reaping worker's heartbeat: Bull's own stalled check cannot have returned
    // them, their 180 s locks were still valid.
    const returned = logRecords(survivors).filter(
      (record) => record.msg === 'Task stalled, it runs again' && record.context === 'WorkerHeartbeat',
    );
    expect(returned.map((record) => record.taskId).sort()).toEqual([...heldIds].sort());
    expect(recoveryMs).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
  });

  it('runs a handler that blocks the event loop for a minute once, with an idle worker beside it: no false death', () => {
    const [runner] = startsOf(blockId);
    const watcher = survivors.find((member) => member.process.child.pid !== runner);

    expect(blocked).toMatchObject({ state: 'SUCCESS', result: runner });
    expect(startsOf(blockId)).toEqual([runner]);
    expect({ stalls: events.stalls.get(blockId) ?? 0, completions: events.completionsOf(blockId).length }).toEqual({
      stalls: 0,
      completions: 1,
    });
    expect(watcher?.process.child.exitCode).toBeNull();
  });
});
