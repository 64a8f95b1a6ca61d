import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import { HttpDurationHistogram } from './http-duration-histogram';
import {
  type BeatTickOutcome,
  type CacheResult,
  type CountedQueue,
  MetricsService,
  type TaskRunState,
  type TimeLimitKind,
} from './metrics.service';

/**
 * The priority bands of `queue_waiting_jobs`: each of Bull's priorities a task may have (1 is taken
 * first, 10 last), and 0 for the jobs without one, which Bull takes after every prioritised job.
 */
const PRIORITY_BANDS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/** The label of a band: its priority, or `none`. */
const bandLabel = (priority: string) => (priority === '0' ? 'none' : priority);

/** Longest a scrape waits for the queue counts; without an answer the gauge is left out of it. */
const QUEUE_COUNT_TIMEOUT_MS = 1_000;

/** Seconds; tasks run from milliseconds up to their timeout (60 s by default). */
const TASK_DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/**
 * The process's Prometheus metrics, where something serves them: in one registry per application
 * (never prom-client's global one, so that two applications in one process, as in the e2e tests,
 * do not mix their numbers). Every label takes values from a small, fixed set (route templates, task names, cache policy names),
 * since each distinct value is a series Prometheus keeps.
 */
@Injectable()
export class PrometheusMetrics extends MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  private readonly registry = new Registry();
  private readonly queues: CountedQueue[] = [];

  private readonly httpDuration = new HttpDurationHistogram(
    'http_request_duration_seconds',
    'HTTP requests served by the api, by method, route template and status code',
  );

  /**
   * Cached reads since the last scrape, by key and result: every cached hit adds one here rather than
   * through prom-client's `inc`, which hashes the labels on each call; the scrape hands the counts to
   * the counter.
   */
  private readonly unscrapedCacheResults = new Map<string, Record<CacheResult, number>>();

  private readonly cacheResults: Counter<'key' | 'result'> = new Counter({
    name: 'cache_results_total',
    help: 'Cached reads by cache key name and result (hit, miss, stale, bypass)',
    labelNames: ['key', 'result'] as const,
    registers: [this.registry],
    collect: () => {
      for (const [key, counts] of this.unscrapedCacheResults) {
        for (const [result, count] of Object.entries(counts)) if (count > 0) this.cacheResults.inc({ key, result }, count);
      }
      this.unscrapedCacheResults.clear();
    },
  });

  private readonly tasks = new Counter({
    name: 'tasks_total',
    help: 'Task runs finished by a worker, by task name and the state they left the task in (SUCCESS, RETRY, FAILURE)',
    labelNames: ['task', 'state'] as const,
    registers: [this.registry],
  });

  private readonly taskDuration = new Histogram({
    name: 'task_duration_seconds',
    help: 'How long task runs took in a worker, by task name and state',
    labelNames: ['task', 'state'] as const,
    buckets: TASK_DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly taskRateLimits = new Counter({
    name: 'task_rate_limited_total',
    help: 'Runs a worker put off because their task had reached its rateLimit, by task name; each waits in delayed for its turn',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });

  private readonly taskTimeLimits = new Counter({
    name: 'tasks_time_limit_exceeded_total',
    help: 'Task runs that reached a time limit, by task name and limit (soft: the signal aborted; hard: the run was stopped)',
    labelNames: ['task', 'limit'] as const,
    registers: [this.registry],
  });

  private readonly taskTerminations = new Counter({
    name: 'tasks_terminated_total',
    help: 'Running tasks stopped by a revoke with terminate, by task name',
    labelNames: ['task'] as const,
    registers: [this.registry],
  });

  private readonly localCacheCopyEnabled = new Gauge({
    name: 'cache_local_copy_enabled',
    help: '1 while this process answers from its own copy of cached entries (CACHE_LOCAL_TTL_MS), 0 while it cannot hear invalidations and reads Redis every time',
    registers: [this.registry],
  });

  private readonly beatTicks = new Counter({
    name: 'beat_ticks_total',
    help: 'Beat schedule ticks, by entry and outcome (enqueued, skipped)',
    labelNames: ['entry', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly queueJobs: Gauge<'queue' | 'state'> = new Gauge({
    name: 'queue_jobs',
    help: 'Jobs in each Bull queue by state, counted in Redis when scraped',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
    collect: async () => {
      const counts = await this.countQueueJobs((queue) => queue.getJobCounts());
      this.queueJobs.reset();
      for (const { queue, label: state, count } of counts) this.queueJobs.set({ queue, state }, count);
    },
  });

  private readonly queueWaitingJobs: Gauge<'queue' | 'priority'> = new Gauge({
    name: 'queue_waiting_jobs',
    help: 'Jobs waiting in each Bull queue by priority (1 is taken first, none last), counted in Redis when scraped',
    labelNames: ['queue', 'priority'] as const,
    registers: [this.registry],
    collect: async () => {
      const counts = await this.countQueueJobs((queue) => queue.getCountsPerPriority(PRIORITY_BANDS));
      this.queueWaitingJobs.reset();
      for (const { queue, label, count } of counts) this.queueWaitingJobs.set({ queue, priority: bandLabel(label) }, count);
    },
  });

  constructor() {
    super();
    // The registry reads a metric through name, help, type and get(); prom-client's types list only its own classes.
    this.registry.registerMetric(this.httpDuration as unknown as Metric);
    collectDefaultMetrics({ register: this.registry });
  }

  /** The content type of {@link scrape}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric in Prometheus' text format, queue counts read now. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counts these queues' jobs on every scrape, as the `queue_jobs` and `queue_waiting_jobs` gauges. */
  observeQueues(queues: readonly CountedQueue[]): void {
    this.queues.push(...queues);
  }

  /**
   * A served HTTP request.
   * @param route the route template (`/api/admin/tasks/:id`), never the raw URL.
   */
  httpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe(method, route, statusCode, seconds);
  }

  /**
   * A read through the response cache.
   * @param key the cache entry's name (`banner_list`), not the Redis key with its prefix or arguments.
   */
  cacheResult(key: string, result: CacheResult): void {
    let counts = this.unscrapedCacheResults.get(key);
    if (counts === undefined) this.unscrapedCacheResults.set(key, (counts = { hit: 0, miss: 0, stale: 0, bypass: 0 }));
    counts[result]++;
  }

  /** Whether this process's local copy of cached entries is in use. */
  localCacheCopy(enabled: boolean): void {
    this.localCacheCopyEnabled.set(enabled ? 1 : 0);
  }

  /** A run of a task that ended, with how long it ran. */
  taskFinished(name: string, state: TaskRunState, durationMs: number): void {
    this.tasks.inc({ task: name, state });
    this.taskDuration.observe({ task: name, state }, durationMs / 1000);
  }

  /** A run that waits for its task's rate limit instead of starting. */
  taskRateLimited(name: string): void {
    this.taskRateLimits.inc({ task: name });
  }

  /** A run of a task that reached its soft or hard time limit. */
  taskTimeLimitExceeded(name: string, limit: TimeLimitKind): void {
    this.taskTimeLimits.inc({ task: name, limit });
  }

  /** A running task stopped by a revoke with terminate. */
  taskTerminated(name: string): void {
    this.taskTerminations.inc({ task: name });
  }

  /** A tick of a beat schedule entry. */
  beatTick(entry: string, outcome: BeatTickOutcome): void {
    this.beatTicks.inc({ entry, outcome });
  }

  /**
   * Counts every observed queue's jobs with `count`, as `{ queue, label, count }` rows. A failing or
   * slow Redis must not fail the whole scrape: the gauge is then left out (and the reason logged),
   * which Prometheus' `absent()` can alert on.
   */
  private async countQueueJobs(
    count: (queue: CountedQueue) => Promise<object>,
  ): Promise<{ queue: string; label: string; count: number }[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${QUEUE_COUNT_TIMEOUT_MS} ms`)), QUEUE_COUNT_TIMEOUT_MS);
    });
    try {
      const counted = await Promise.race([
        Promise.all(this.queues.map(async (queue) => ({ queue: queue.name, counts: await count(queue) }))),
        timeout,
      ]);
      return counted.flatMap(({ queue, counts }) =>
        Object.entries(counts).map(([label, value]) => ({ queue, label, count: Number(value) })),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not count the queue jobs; the queue gauges are left out of this scrape');
      return [];
    } finally {
      clearTimeout(timer);
    }
  }
}
