import { availableParallelism } from 'node:os';
import { parseConfig } from './app-config';
import { ConfigError } from './env-reader';

describe('parseConfig', () => {
  afterEach(() => jest.restoreAllMocks());

  it('works with no variables at all, against local MariaDB and Redis', () => {
    const sut = parseConfig({});

    expect(sut.http.port).toBe(3000);
    expect(sut.database).toEqual({
      url: 'mysql://root@127.0.0.1:3306/banner_tasks',
      name: 'banner_tasks',
      migrationsRun: true,
      replicaUrls: [],
    });
    expect(sut.cache.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(sut.queue.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 1 });
    expect(sut.queue).toMatchObject({ cluster: false, prefix: 'bull' });
    expect(sut.banner).toEqual({
      mediaBaseUrl: 'http://127.0.0.1:3000',
      count: 3,
      cacheTtlMs: 86_400_000,
      clientMaxAgeSeconds: 60,
    });
    expect(sut.cache.timeoutMs).toBe(200);
    expect(sut.cache.localTtlMs).toBe(1_000);
    expect(sut.queue.resultTtlMs).toBe(86_400_000);
    expect(sut.queue.timeoutMs).toBe(5_000);
    expect(sut.worker).toEqual({
      concurrency: 4,
      queueConcurrency: {},
      lockMs: 180_000,
      heartbeatTtlMs: 3_000,
      isolatedThreads: availableParallelism(),
    });
    expect(sut.queue.routes).toEqual({});
    expect(sut.queue.annotations).toEqual({});
    expect(sut.beat).toEqual({ timeZone: 'Asia/Shanghai', scheduleOverrides: {} });
    expect(sut.shutdownGraceMs).toBe(10_000);
    expect(sut.memoryTrimIdleMs).toBe(5_000);
    expect(sut.admin.token).toBeUndefined();
    expect(sut.metrics.port).toBeUndefined();
  });

  it('takes as BEAT_TIMEZONE any zone a date formatter takes, aliases and UTC included, and builds none for a canonical one', () => {
    const Real = Intl.DateTimeFormat;
    let built = 0;
    // Counts the formatters built: the first one loads ICU's date data (see loadWithLazyDateFormats).
    jest.spyOn(Intl, 'DateTimeFormat').mockImplementation((...args) => {
      built++;
      return new Real(...args);
    });

    expect(parseConfig({ BEAT_TIMEZONE: 'Europe/Paris' }).beat.timeZone).toBe('Europe/Paris');
    expect(parseConfig({}).beat.timeZone).toBe('Asia/Shanghai');
    expect(built).toBe(0);
    for (const zone of ['UTC', 'Asia/Kolkata', 'Etc/GMT+8']) expect(parseConfig({ BEAT_TIMEZONE: zone }).beat.timeZone).toBe(zone);
    expect(built).toBe(3);
  });

  it('converts second-valued variables to milliseconds once', () => {
    const sut = parseConfig({
      BANNER_CACHE_TTL: '60',
      TASK_RESULT_TTL: '5',
      SHUTDOWN_GRACE_SECONDS: '3',
      MEMORY_TRIM_IDLE_SECONDS: '0',
      WORKER_LOCK_SECONDS: '2',
      WORKER_HEARTBEAT_TTL_SECONDS: '5',
    });

    expect(sut.banner.cacheTtlMs).toBe(60_000);
    expect(sut.queue.resultTtlMs).toBe(5_000);
    expect(sut.shutdownGraceMs).toBe(3_000);
    expect(sut.memoryTrimIdleMs).toBe(0);
    expect(sut.worker.lockMs).toBe(2_000);
    expect(sut.worker.heartbeatTtlMs).toBe(5_000);
  });

  it('reads the password and database of a Redis URL', () => {
    const sut = parseConfig({ QUEUE_REDIS_URL: 'redis://:s%40cret@redis.internal:6380/5' });

    expect(sut.queue.redis).toMatchObject({ host: 'redis.internal', port: 6380, db: 5, password: 's@cret' });
  });

  it('puts the queue prefix in braces on a Redis Cluster, so that every queue key hashes to one slot', () => {
    const sut = parseConfig({ QUEUE_REDIS_CLUSTER: 'true', QUEUE_REDIS_URL: 'redis://node-1:7000', QUEUE_PREFIX: 'jobs' });

    expect(sut.queue).toMatchObject({ cluster: true, prefix: '{jobs}' });
    expect(sut.queue.redis).toMatchObject({ host: 'node-1', port: 7000, db: 0 });
  });

  it('refuses a queue database other than 0 on a Redis Cluster, without echoing the password', () => {
    const parse = () => parseConfig({ QUEUE_REDIS_CLUSTER: 'true', QUEUE_REDIS_URL: 'redis://:hunter2@node-1:7000/1' });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow('QUEUE_REDIS_URL must be a redis:// URL with database 0 or none when QUEUE_REDIS_CLUSTER is true');
    expect(parse).not.toThrow(/hunter2/);
  });

  it('reads DATABASE_REPLICA_URLS as a comma list', () => {
    const sut = parseConfig({ DATABASE_REPLICA_URLS: 'mysql://reader@replica-1:3306/banner_tasks, mariadb://replica-2/banner_tasks' });

    expect(sut.database.replicaUrls).toEqual(['mysql://reader@replica-1:3306/banner_tasks', 'mariadb://replica-2/banner_tasks']);
  });

  it.each([
    ['postgres://replica/banner_tasks', 'DATABASE_REPLICA_URLS must be a comma list of URLs starting with mysql:// or mariadb://'],
    ['mysql://replica/banner_tasks,', 'DATABASE_REPLICA_URLS must be a comma list of URLs starting with mysql:// or mariadb:// (got "")'],
    [
      'mysql://reader:hunter2@replica/',
      'DATABASE_REPLICA_URLS must be a mysql:// URL that ends with a database name of letters, digits, _ or $ (got "mysql://reader:***@replica/")',
    ],
  ])('refuses DATABASE_REPLICA_URLS=%j with a message naming it', (value, message) => {
    expect(() => parseConfig({ DATABASE_REPLICA_URLS: value })).toThrow(message);
  });

  it('reads BEAT_SCHEDULE overrides as JSON', () => {
    const sut = parseConfig({ BEAT_SCHEDULE: '{"test-task":{"enabled":true}}' });

    expect(sut.beat.scheduleOverrides).toEqual({ 'test-task': { enabled: true } });
  });

  it('reads TASK_ROUTES as a JSON object of queue names', () => {
    expect(parseConfig({ TASK_ROUTES: '{"add":"banner"}' }).queue.routes).toEqual({ add: 'banner' });
  });

  it('reads WORKER_ISOLATED_THREADS', () => {
    expect(parseConfig({ WORKER_ISOLATED_THREADS: '3' }).worker.isolatedThreads).toBe(3);
  });

  it('reads WORKER_CONCURRENCY as one number or per queue', () => {
    expect(parseConfig({ WORKER_CONCURRENCY: '8' }).worker).toMatchObject({ concurrency: 8, queueConcurrency: {} });
    expect(parseConfig({ WORKER_CONCURRENCY: 'default=8, banner=2' }).worker).toMatchObject({
      concurrency: 4,
      queueConcurrency: { default: 8, banner: 2 },
    });
  });

  it('treats an empty value as unset', () => {
    expect(parseConfig({ PORT: '' }).http.port).toBe(3000);
    expect(parseConfig({ METRICS_PORT: '' }).metrics.port).toBeUndefined();
  });

  it('takes CACHE_LOCAL_TTL_MS=0 as no local copy', () => {
    expect(parseConfig({ CACHE_LOCAL_TTL_MS: '0' }).cache.localTtlMs).toBe(0);
  });

  it('reads METRICS_PORT when set', () => {
    expect(parseConfig({ METRICS_PORT: '9464' }).metrics.port).toBe(9464);
  });

  it.each([
    ['PORT', 'abc', 'PORT must be an integer from 0 to 65535 (got "abc")'],
    ['PORT', '70000', 'PORT must be an integer from 0 to 65535'],
    ['DATABASE_URL', 'postgres://x/y', 'DATABASE_URL must be a URL starting with mysql:// or mariadb://'],
    ['DATABASE_URL', 'mysql://root@localhost/', 'DATABASE_URL must be a mysql:// URL that ends with a database name'],
    ['REDIS_URL', 'redis://localhost/cache', 'REDIS_URL must be a redis:// URL whose path is a database number'],
    ['QUEUE_REDIS_URL', 'not a url', 'QUEUE_REDIS_URL must be a URL starting with redis://'],
    ['ADMIN_TOKEN', 'short', 'ADMIN_TOKEN must be at least 16 characters long (got "***")'],
    ['BEAT_TIMEZONE', 'Mars/Olympus', 'BEAT_TIMEZONE must be an IANA time zone'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
    ['MIGRATIONS_RUN', 'maybe', 'MIGRATIONS_RUN must be true or false'],
    ['QUEUE_REDIS_CLUSTER', 'yes', 'QUEUE_REDIS_CLUSTER must be true or false'],
    ['BEAT_SCHEDULE', '{"test-task":', 'BEAT_SCHEDULE must be a JSON object'],
    ['BEAT_SCHEDULE', '[1]', 'BEAT_SCHEDULE must be a JSON object'],
    ['WORKER_CONCURRENCY', '0', 'WORKER_CONCURRENCY must be an integer from 1 to 256'],
    ['WORKER_CONCURRENCY', 'default=0', 'WORKER_CONCURRENCY must be an integer from 1 to 256, or a comma list of name=integer pairs'],
    ['WORKER_CONCURRENCY', 'default=2,default=3', 'WORKER_CONCURRENCY must be an integer from 1 to 256, or a comma list'],
    ['WORKER_CONCURRENCY', 'default=2,', 'WORKER_CONCURRENCY must be an integer from 1 to 256, or a comma list'],
    ['TASK_ROUTES', '{"add":1}', 'TASK_ROUTES must be a JSON object of strings'],
    ['TASK_ROUTES', '["add"]', 'TASK_ROUTES must be a JSON object'],
    ['TASK_ANNOTATIONS', '{"add":', 'TASK_ANNOTATIONS must be a JSON object'],
    ['METRICS_PORT', '9464x', 'METRICS_PORT must be an integer from 0 to 65535 (got "9464x")'],
    ['WORKER_LOCK_SECONDS', '0', 'WORKER_LOCK_SECONDS must be an integer from 1 to 3600'],
    ['WORKER_HEARTBEAT_TTL_SECONDS', '1', 'WORKER_HEARTBEAT_TTL_SECONDS must be an integer from 2 to 60'],
    ['WORKER_ISOLATED_THREADS', '0', 'WORKER_ISOLATED_THREADS must be an integer from 1 to 256'],
    ['QUEUE_TIMEOUT_MS', '0', 'QUEUE_TIMEOUT_MS must be an integer from 1 to 60000'],
    ['CACHE_LOCAL_TTL_MS', '-1', 'CACHE_LOCAL_TTL_MS must be an integer from 0 to 60000'],
  ])('refuses %s=%j with a message naming it', (name, value, message) => {
    const parse = () => parseConfig({ [name]: value });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
  });

  it('never prints a rejected secret', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://root:hunter2@db/' })).toThrow(/root:\*\*\*@db/);
  });

  describe('never prints the password of a URL it refuses', () => {
    const bad: [variable: string, value: string][] = [
      ['DATABASE_URL', 'postgres://app:hunter2@db/app'],
      ['DATABASE_URL', 'mysql://app:hunter2@db/'],
      ['DATABASE_URL', 'mysql://app:hunter2@db:port/app'],
      ['DATABASE_REPLICA_URLS', 'mysql://reader:hunter2@replica/app,postgres://reader:hunter2@replica/app'],
      ['DATABASE_REPLICA_URLS', 'reader:hunter2@replica/app'],
      ['REDIS_URL', 'http://:hunter2@cache:6379/0'],
      ['REDIS_URL', 'redis://:hunter2@cache:6379/cache'],
      ['QUEUE_REDIS_URL', 'rediss//:hunter2@queue:6379/1'],
      ['QUEUE_REDIS_URL', 'redis://:hunter2@queue:6379/x'],
      ['MEDIA_BASE_URL', 'ftp://user:hunter2@cdn.example/'],
    ];

    it.each(bad)('%s=%j', (variable, value) => {
      const parse = () => parseConfig({ [variable]: value });

      expect(parse).toThrow(new RegExp(`^Invalid configuration: ${variable} must be`));
      expect(parse).toThrow(/\*\*\*@/);
      expect(parse).not.toThrow(/hunter2/);
    });

    it('with QUEUE_REDIS_CLUSTER too', () => {
      const parse = () => parseConfig({ QUEUE_REDIS_CLUSTER: 'true', QUEUE_REDIS_URL: 'redis://:hunter2@node-1:7000/2' });

      expect(parse).toThrow(/redis:\/\/:\*\*\*@node-1/);
    });
  });

  it('has defaults for the HTTP timeouts, the throttles and the task limits', () => {
    const sut = parseConfig({});

    expect(sut.http).toEqual({
      host: '0.0.0.0',
      port: 3000,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      idleTimeoutMs: 60_000,
      keepAliveTimeoutMs: 72_000,
      maxRequestsPerSocket: 1_000,
    });
    expect(sut.throttle).toEqual({ loginFailuresPerMinute: 20, enqueuesPerMinute: 600 });
    expect(sut.queue).toMatchObject({ maxDelayMs: 30 * 86_400_000, maxArgsBytes: 65_536 });
  });

  it('reads the HTTP timeouts in seconds', () => {
    const sut = parseConfig({
      HTTP_HEADERS_TIMEOUT_SECONDS: '2',
      HTTP_REQUEST_TIMEOUT_SECONDS: '5',
      HTTP_IDLE_TIMEOUT_SECONDS: '7',
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '3',
      HTTP_MAX_REQUESTS_PER_SOCKET: '10',
      TASK_MAX_DELAY: '60',
    });

    expect(sut.http).toMatchObject({ headersTimeoutMs: 2_000, requestTimeoutMs: 5_000, idleTimeoutMs: 7_000, keepAliveTimeoutMs: 3_000 });
    expect(sut.http.maxRequestsPerSocket).toBe(10);
    expect(sut.queue.maxDelayMs).toBe(60_000);
  });

  it.each([
    [{ HTTP_HEADERS_TIMEOUT_SECONDS: '40' }, 'HTTP_HEADERS_TIMEOUT_SECONDS must be at most HTTP_REQUEST_TIMEOUT_SECONDS (got "40")'],
    [{ HTTP_REQUEST_TIMEOUT_SECONDS: '0' }, 'HTTP_REQUEST_TIMEOUT_SECONDS must be an integer from 1 to 3600'],
    [{ TASK_MAX_ARGS_BYTES: '1' }, 'TASK_MAX_ARGS_BYTES must be an integer from 2 to 524288'],
    [{ ADMIN_LOGIN_FAILURES_PER_MINUTE: '0' }, 'ADMIN_LOGIN_FAILURES_PER_MINUTE must be an integer from 1 to 100000'],
    [{ TASK_ENQUEUES_PER_MINUTE: 'many' }, 'TASK_ENQUEUES_PER_MINUTE must be an integer'],
    [{ TASK_MAX_DELAY: '0' }, 'TASK_MAX_DELAY must be an integer from 1 to'],
  ])('refuses %j', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });
});
