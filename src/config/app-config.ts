import { availableParallelism } from 'node:os';
import { ConfigError, EnvReader } from './env-reader';
import { redactUrl } from './redact-url';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

const ONE_DAY_SECONDS = 86_400;

/** A Redis connection, with the database number parsed out of the URL path. */
export interface RedisConnection {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
}

/**
 * The whole, validated configuration. Built once at start-up by {@link parseConfig}; every module
 * injects this instead of reading `process.env`. Durations are in milliseconds unless the name
 * says otherwise.
 */
export abstract class AppConfig {
  abstract readonly nodeEnv: NodeEnv;
  abstract readonly logLevel: LogLevel;
  abstract readonly http: {
    readonly host: string;
    readonly port: number;
    /** Longest time a client may take to send a request's headers (Node's `headersTimeout`): slow-header clients are cut off with a 408. */
    readonly headersTimeoutMs: number;
    /** Longest time a client may take to send a whole request, headers and body (`requestTimeout`). */
    readonly requestTimeoutMs: number;
    /** A connection with no traffic for this long is closed (Fastify's `connectionTimeout`). */
    readonly idleTimeoutMs: number;
    /** How long an idle keep-alive connection is kept open for its next request. */
    readonly keepAliveTimeoutMs: number;
    /** Requests one keep-alive connection may carry before it is closed. */
    readonly maxRequestsPerSocket: number;
  };
  abstract readonly shutdownGraceMs: number;
  /** Quiet time after which a process gives its heap's unused memory back (see HeapTrimmer); 0: never. */
  abstract readonly memoryTrimIdleMs: number;
  abstract readonly database: {
    readonly url: string;
    readonly name: string;
    readonly migrationsRun: boolean;
    /**
     * Read replicas of `url` (DATABASE_REPLICA_URLS). The home banner read goes to them; writes,
     * migrations and every other read stay on `url`. Empty: everything on `url`.
     */
    readonly replicaUrls: readonly string[];
  };
  abstract readonly cache: {
    readonly redis: RedisConnection;
    readonly keyPrefix: string;
    /** Longest wait for any one cache call before failing open to MySQL. */
    readonly timeoutMs: number;
    /**
     * Longest life of this process's copy of a cached entry (CACHE_LOCAL_TTL_MS), which bounds how
     * long a change made outside the application (a `DEL` in redis-cli) goes unseen. 0: no copy.
     */
    readonly localTtlMs: number;
  };
  abstract readonly queue: {
    readonly redis: RedisConnection;
    /**
     * True (QUEUE_REDIS_CLUSTER): `redis` is a seed node of a Redis Cluster, from which the client
     * learns the other nodes.
     */
    readonly cluster: boolean;
    /**
     * The Bull key prefix. In a cluster it is QUEUE_PREFIX in braces, a hash tag: every key of the
     * queues then lives in one slot, as Bull's Lua scripts and the beat's claim need.
     */
    readonly prefix: string;
    /** How long finished tasks and their results are kept (Celery's `result_expires`). */
    readonly resultTtlMs: number;
    /**
     * Longest wait for the broker connection, then again for its answer, before a call from a
     * request, the CLI or the beat fails with TASK_BROKER_UNAVAILABLE.
     */
    readonly timeoutMs: number;
    /** The furthest ahead a `countdown` or `eta` may put a task (TASK_MAX_DELAY). */
    readonly maxDelayMs: number;
    /** The largest a task's `args` and `kwargs` may be, serialized as JSON (TASK_MAX_ARGS_BYTES). */
    readonly maxArgsBytes: number;
    /** Task name → queue, over the queues the tasks declare (TASK_ROUTES); checked by the task registry. */
    readonly routes: Readonly<Record<string, string>>;
    /** Task name → options laid over the declared ones (TASK_ANNOTATIONS); checked by the task registry. */
    readonly annotations: Readonly<Record<string, unknown>>;
  };
  /** Per-minute ceilings, counted in the cache Redis so that they hold across api processes. */
  abstract readonly throttle: {
    /** Failed admin or dashboard logins one client address may make in a minute; past it, 429. */
    readonly loginFailuresPerMinute: number;
    /** Tasks enqueued over HTTP in a minute, by all admins together; past it, 429. */
    readonly enqueuesPerMinute: number;
  };
  abstract readonly admin: { readonly token?: string };
  abstract readonly metrics: {
    /**
     * Where a process without the api role serves `GET /metrics` (0: any free port). Unset: it
     * serves none. The api always serves `/metrics` on its own port and ignores this.
     */
    readonly port?: number;
  };
  abstract readonly banner: {
    readonly mediaBaseUrl: string;
    readonly count: number;
    readonly cacheTtlMs: number;
    /** `max-age` sent to browsers and proxies, in seconds as HTTP counts it. */
    readonly clientMaxAgeSeconds: number;
  };
  abstract readonly worker: {
    /** Jobs one worker runs at once on each queue not named in {@link queueConcurrency}. */
    readonly concurrency: number;
    /** Jobs one worker runs at once on the queues named (`WORKER_CONCURRENCY=default=8,banner=2`), checked by the worker. */
    readonly queueConcurrency: Readonly<Record<string, number>>;
    /**
     * How long a worker's claim on a running job lasts unless renewed (every half of it): a main
     * event loop blocked for less than half of it is never taken for a dead worker. A worker
     * silent for this long loses its jobs to the stalled-job check, which runs this often.
     */
    readonly lockMs: number;
    /**
     * How long a worker process's heartbeat lives unless renewed (a thread of its own renews it
     * every third of it). Once it has expired, another worker returns that process's running jobs
     * to the queue (docs/crash-recovery.md).
     */
    readonly heartbeatTtlMs: number;
    /** Threads of the pool that runs isolated tasks: at most this many run at once, the others wait. */
    readonly isolatedThreads: number;
  };
  abstract readonly beat: {
    readonly timeZone: string;
    /** Entries laid over the default schedule, by name (validated by the beat module). */
    readonly scheduleOverrides: Readonly<Record<string, unknown>>;
  };
}

function redisConnection(reader: EnvReader, name: string, fallback: string): RedisConnection {
  const url = reader.url(name, ['redis:'], fallback);
  const dbPath = url.pathname.replace(/^\//, '');
  if (dbPath !== '' && !/^\d+$/.test(dbPath)) {
    throw new ConfigError(name, 'a redis:// URL whose path is a database number', redactUrl(url.href));
  }
  return {
    url: url.href,
    host: url.hostname,
    port: Number(url.port || 6379),
    db: Number(dbPath || 0),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

function databaseName(url: URL, variable = 'DATABASE_URL'): string {
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_$]{1,64}$/.test(name)) {
    throw new ConfigError(variable, 'a mysql:// URL that ends with a database name of letters, digits, _ or $', redactUrl(url.href));
  }
  return name;
}

/** DATABASE_REPLICA_URLS: a comma list of mysql:// URLs, each naming its database. */
function replicaUrls(read: EnvReader): string[] {
  const name = 'DATABASE_REPLICA_URLS';
  return read.urlList(name, ['mysql:', 'mariadb:']).map((url) => {
    databaseName(url, name);
    return url.href;
  });
}

/** A cluster has only database 0, so a queue URL that names another is a mistake. */
function queueRedis(read: EnvReader, cluster: boolean): RedisConnection {
  const redis = redisConnection(read, 'QUEUE_REDIS_URL', 'redis://127.0.0.1:6379/1');
  if (cluster && redis.db !== 0) {
    throw new ConfigError(
      'QUEUE_REDIS_URL',
      'a redis:// URL with database 0 or none when QUEUE_REDIS_CLUSTER is true (a Redis Cluster has only database 0)',
      redactUrl(redis.url),
    );
  }
  return redis;
}

/** The HTTP server's address and its limits on slow or idle clients. */
function httpServer(read: EnvReader, port: number): AppConfig['http'] {
  const requestTimeoutMs = read.int('HTTP_REQUEST_TIMEOUT_SECONDS', 30, 1, 3_600) * 1000;
  const headersTimeoutMs = read.int('HTTP_HEADERS_TIMEOUT_SECONDS', 10, 1, 3_600) * 1000;
  // Node refuses to start a server whose headers may take longer than the whole request.
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_SECONDS', 'at most HTTP_REQUEST_TIMEOUT_SECONDS', String(headersTimeoutMs / 1000));
  }
  return {
    host: read.string('HOST', '0.0.0.0'),
    port,
    headersTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs: read.int('HTTP_IDLE_TIMEOUT_SECONDS', 60, 1, 3_600) * 1000,
    keepAliveTimeoutMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', 72, 1, 3_600) * 1000,
    maxRequestsPerSocket: read.int('HTTP_MAX_REQUESTS_PER_SOCKET', 1_000, 1, 1_000_000),
  };
}

/** WORKER_CONCURRENCY: one number for every queue, or `queue=number` pairs (the others keep 4). */
function workerConcurrency(read: EnvReader): { concurrency: number; queueConcurrency: Record<string, number> } {
  const { all, byKey } = read.intPerKey('WORKER_CONCURRENCY', 4, 1, 256);
  return { concurrency: all, queueConcurrency: byKey };
}

/**
 * Validates a raw environment and builds the typed configuration.
 * @throws ConfigError naming the first variable that is missing or malformed.
 */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): AppConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf('NODE_ENV', NODE_ENVS, 'production');
  const port = read.int('PORT', 3000, 0, 65_535);
  const databaseUrl = read.url('DATABASE_URL', ['mysql:', 'mariadb:'], 'mysql://root@127.0.0.1:3306/banner_tasks');
  const queueCluster = read.boolean('QUEUE_REDIS_CLUSTER', false);
  const queuePrefix = read.string('QUEUE_PREFIX', 'bull', {
    regex: /^[\w.-]{1,64}$/,
    expected: 'letters, digits, _, . or - (at most 64)',
  });

  return {
    nodeEnv,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    http: httpServer(read, port),
    shutdownGraceMs: read.int('SHUTDOWN_GRACE_SECONDS', 10, 1, 3_600) * 1000,
    memoryTrimIdleMs: read.int('MEMORY_TRIM_IDLE_SECONDS', 5, 0, 3_600) * 1000,
    database: {
      url: databaseUrl.href,
      name: databaseName(databaseUrl),
      migrationsRun: read.boolean('MIGRATIONS_RUN', true),
      replicaUrls: replicaUrls(read),
    },
    cache: {
      redis: redisConnection(read, 'REDIS_URL', 'redis://127.0.0.1:6379/0'),
      keyPrefix: read.string('CACHE_KEY_PREFIX', 'banner-tasks', {
        regex: /^[\w.-]{1,64}$/,
        expected: 'letters, digits, _, . or - (at most 64)',
      }),
      timeoutMs: read.int('CACHE_TIMEOUT_MS', 200, 1, 60_000),
      localTtlMs: read.int('CACHE_LOCAL_TTL_MS', 1_000, 0, 60_000),
    },
    queue: {
      redis: queueRedis(read, queueCluster),
      cluster: queueCluster,
      prefix: queueCluster ? `{${queuePrefix}}` : queuePrefix,
      resultTtlMs: read.int('TASK_RESULT_TTL', ONE_DAY_SECONDS, 1, 30 * ONE_DAY_SECONDS) * 1000,
      timeoutMs: read.int('QUEUE_TIMEOUT_MS', 5_000, 1, 60_000),
      maxDelayMs: read.int('TASK_MAX_DELAY', 30 * ONE_DAY_SECONDS, 1, 3_650 * ONE_DAY_SECONDS) * 1000,
      maxArgsBytes: read.int('TASK_MAX_ARGS_BYTES', 64 * 1024, 2, 512 * 1024),
      routes: read.jsonStringMap('TASK_ROUTES'),
      annotations: read.jsonObject('TASK_ANNOTATIONS'),
    },
    throttle: {
      loginFailuresPerMinute: read.int('ADMIN_LOGIN_FAILURES_PER_MINUTE', 20, 1, 100_000),
      enqueuesPerMinute: read.int('TASK_ENQUEUES_PER_MINUTE', 600, 1, 1_000_000),
    },
    admin: { token: read.optionalString('ADMIN_TOKEN', 16) },
    metrics: { port: read.optionalInt('METRICS_PORT', 0, 65_535) },
    banner: {
      mediaBaseUrl: read.url('MEDIA_BASE_URL', ['http:', 'https:'], `http://127.0.0.1:${port}`).href.replace(/\/+$/, ''),
      count: read.int('BANNER_COUNT', 3, 1, 100),
      cacheTtlMs: read.int('BANNER_CACHE_TTL', ONE_DAY_SECONDS, 1, 30 * ONE_DAY_SECONDS) * 1000,
      clientMaxAgeSeconds: read.int('CLIENT_MAX_AGE', 60, 0, ONE_DAY_SECONDS),
    },
    worker: {
      ...workerConcurrency(read),
      lockMs: read.int('WORKER_LOCK_SECONDS', 180, 1, 3_600) * 1000,
      heartbeatTtlMs: read.int('WORKER_HEARTBEAT_TTL_SECONDS', 3, 2, 60) * 1000,
      isolatedThreads: read.int('WORKER_ISOLATED_THREADS', availableParallelism(), 1, 256),
    },
    beat: {
      timeZone: read.timeZone('BEAT_TIMEZONE', 'Asia/Shanghai'),
      scheduleOverrides: read.jsonObject('BEAT_SCHEDULE'),
    },
  };
}
