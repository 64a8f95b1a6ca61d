import type { TestRedisServer } from '../../support/redis-server';
import type { TestEnvironment } from '../../support/test-environment';
import type { JobEvents } from './job-events';

/** A task's state and result as the API reports them; undefined when the lookup failed. */
export type ReadStatus = { state: string; result: unknown } | undefined;

/**
 * The environment of a fleet under test: the cache (db 0) and the broker (db 1) on the test's
 * private redis-server, so the test may watch the broker freely, plus the scenario's settings.
 */
export function fleetEnv(environment: TestEnvironment, redis: TestRedisServer, settings: Record<string, string>): Record<string, string> {
  return { ...environment.env, REDIS_URL: redis.url(0), QUEUE_REDIS_URL: redis.url(1), ...settings };
}

/**
 * The client's request `seq`: `add` for even ones, which ends within a millisecond, and a
 * `testing.sleep` of `sleepMs` for odd ones, so a killed or stopped worker is in the middle of
 * some. Both return `seq`, so a result shows which request it answers.
 */
export function taskOf(seq: number, sleepMs: number): [string, unknown[]] {
  return seq % 2 === 0 ? ['add', [seq, 0]] : ['testing.sleep', [sleepMs, seq]];
}

/** What became of the accepted tasks: completions from the broker's events, states from the API. */
export function taskFigures(accepted: readonly string[], events: JobEvents, statuses: ReadonlyMap<string, ReadStatus>) {
  const runsPerTask = accepted.map((id) => events.completionsOf(id).length);
  return {
    enqueued: accepted.length,
    completed: runsPerTask.filter((runs) => runs > 0).length,
    duplicated: runsPerTask.filter((runs) => runs > 1).length,
    lost: runsPerTask.filter((runs) => runs === 0).length,
    notSuccess: [...statuses.values()].filter((status) => status?.state !== 'SUCCESS').length,
  };
}
