import type { QueueOptions } from 'bull';
import type { RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/app-config';
import type { BullClientType, QueueClusterClients } from './queue-cluster';
import { RateLimited } from './rate-limit/rate-limited';
import { RETRY_BACKOFF, type RetryPolicy, retryDelay } from './retry-backoff';

/**
 * How often a job may be found stalled (its worker stopped renewing the lock) and run again before
 * it fails with "job stalled more than allowable limit" (OptimalBits/bull#1982). Bull's 1 fails a
 * job on its second stall; 2 lets it survive a worker crash plus one false alarm from an event
 * loop that was blocked too long, while a job that kills every worker taking it still ends in
 * FAILURE after three runs instead of crash-looping the fleet.
 */
export const MAX_STALLED_COUNT = 2;

/** Longest pause between two reconnection attempts to the broker (Bull's own grows to 20 s). */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** The connection to a single broker Redis (QUEUE_REDIS_URL). */
export function brokerConnection(config: AppConfig): RedisOptions {
  const { host, port, db, username, password } = config.queue.redis;
  return {
    host,
    port,
    db,
    username,
    password,
    // Bull backs off up to 20 s between attempts, which would keep the tasks down that long
    // after Redis is back; with this cap they resume within about 2 s.
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // A worker's commands wait for Redis however long it is away (ioredis would fail them after
    // 20 attempts, now about 20 s, and a worker started then would never take a job). Callers
    // that must not wait use the fail-fast queues and QUEUE_TIMEOUT_MS.
    maxRetriesPerRequest: null,
  };
}

/** Bull's options for every queue a worker consumes, from the configuration. */
export function bullOptions(config: AppConfig, cluster: QueueClusterClients): QueueOptions {
  const { lockMs } = config.worker;
  return {
    ...(config.queue.cluster ? { createClient: (type: BullClientType) => cluster.create(type) } : { redis: brokerConnection(config) }),
    prefix: config.queue.prefix,
    // A running job's lock lasts lockMs (WORKER_LOCK_SECONDS, 180 s by default) and is
    // renewed every lockMs / 2, so only an event loop blocked for more than half of it looks
    // like a dead worker. A killed worker's jobs come back within seconds through its
    // heartbeat (WorkerHeartbeat); the stalled check, every lockMs, catches the rest.
    settings: {
      lockDuration: lockMs,
      lockRenewTime: lockMs / 2,
      stalledInterval: lockMs,
      maxStalledCount: MAX_STALLED_COUNT,
      // Run by the worker when a run fails: the delay of the retry, or -1 for none. A run put off
      // by its rate limit waits for its turn (and uses no attempt: see RateLimited).
      backoffStrategies: {
        [RETRY_BACKOFF]: (attemptsMade: number, error: Error, policy: RetryPolicy | null) =>
          error instanceof RateLimited ? error.waitMs : retryDelay(attemptsMade, error, policy),
      },
    },
  };
}
