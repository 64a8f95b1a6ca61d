/** How a cached read was answered: from the cache, from the source, from a stale copy, or past the cache. */
export type CacheResult = 'hit' | 'miss' | 'stale' | 'bypass';

/**
 * How one run of a task ended: `RETRY` is a failed run that another attempt follows, `FAILURE`
 * the last failed one.
 */
export type TaskRunState = 'SUCCESS' | 'RETRY' | 'FAILURE';

/**
 * What a beat tick did: enqueued the entry's task, or skipped it because the entry's previous task
 * had not started. A tick that another beat claimed is not counted here, so the sum over replicas
 * counts each tick once.
 */
export type BeatTickOutcome = 'enqueued' | 'skipped';

/** A task's time limit: `soft` aborts the handler's signal, `hard` stops the run. */
export type TimeLimitKind = 'soft' | 'hard';

/** A queue whose jobs are counted on each scrape; Bull's `Queue` is one. */
export interface CountedQueue {
  readonly name: string;
  /** Jobs per state (`waiting`, `active`, `delayed`, …). */
  getJobCounts(): Promise<object>;
  /** Waiting jobs per priority, keyed by the priority's number; 0 counts the jobs that have none. */
  getCountsPerPriority(priorities: number[]): Promise<Record<string, number>>;
}

/**
 * What the modules report, as they see it: they call the methods below and never touch prom-client.
 * Where something serves `/metrics` (the api, or any role with METRICS_PORT) this is
 * {@link PrometheusMetrics}; elsewhere (a worker or a beat without METRICS_PORT, a one-off command)
 * nothing could ever read them, so {@link UnservedMetrics} records nothing and prom-client is not
 * even loaded.
 */
export abstract class MetricsService {
  /** Counts these queues' jobs on every scrape, as the `queue_jobs` and `queue_waiting_jobs` gauges. */
  abstract observeQueues(queues: readonly CountedQueue[]): void;

  /**
   * A served HTTP request.
   * @param route the route template (`/api/admin/tasks/:id`), never the raw URL.
   */
  abstract httpRequest(method: string, route: string, statusCode: number, seconds: number): void;

  /**
   * A read through the response cache.
   * @param key the cache entry's name (`banner_list`), not the Redis key with its prefix or arguments.
   */
  abstract cacheResult(key: string, result: CacheResult): void;

  /** Whether this process's local copy of cached entries is in use. */
  abstract localCacheCopy(enabled: boolean): void;

  /** A run of a task that ended, with how long it ran. */
  abstract taskFinished(name: string, state: TaskRunState, durationMs: number): void;

  /** A run that waits for its task's rate limit instead of starting. */
  abstract taskRateLimited(name: string): void;

  /** A run of a task that reached its soft or hard time limit. */
  abstract taskTimeLimitExceeded(name: string, limit: TimeLimitKind): void;

  /** A running task stopped by a revoke with terminate. */
  abstract taskTerminated(name: string): void;

  /** A tick of a beat schedule entry. */
  abstract beatTick(entry: string, outcome: BeatTickOutcome): void;
}
