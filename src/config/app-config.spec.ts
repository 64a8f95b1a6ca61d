import { parseConfig } from './app-config';
import { ConfigError } from './env-reader';

describe('parseConfig', () => {
  it('works with no variables at all, against local MariaDB and Redis', () => {
    const sut = parseConfig({});

    expect(sut.http.port).toBe(3000);
    expect(sut.database).toEqual({
      url: 'mysql://root@127.0.0.1:3306/banner_tasks',
      name: 'banner_tasks',
      migrationsRun: true,
    });
    expect(sut.cache.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0 });
    expect(sut.queue.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 1 });
    expect(sut.banner).toEqual({
      mediaBaseUrl: 'http://127.0.0.1:3000',
      count: 3,
      cacheTtlMs: 86_400_000,
      clientMaxAgeSeconds: 60,
    });
    expect(sut.cache.timeoutMs).toBe(200);
    expect(sut.queue.resultTtlMs).toBe(86_400_000);
    expect(sut.worker).toEqual({ concurrency: 4, lockMs: 30_000 });
    expect(sut.beat).toEqual({ timeZone: 'Asia/Shanghai', scheduleOverrides: {} });
    expect(sut.shutdownGraceMs).toBe(10_000);
    expect(sut.admin.token).toBeUndefined();
    expect(sut.metrics.port).toBeUndefined();
  });

  it('converts second-valued variables to milliseconds once', () => {
    const sut = parseConfig({
      BANNER_CACHE_TTL: '60',
      TASK_RESULT_TTL: '5',
      SHUTDOWN_GRACE_SECONDS: '3',
      WORKER_LOCK_SECONDS: '2',
    });

    expect(sut.banner.cacheTtlMs).toBe(60_000);
    expect(sut.queue.resultTtlMs).toBe(5_000);
    expect(sut.shutdownGraceMs).toBe(3_000);
    expect(sut.worker.lockMs).toBe(2_000);
  });

  it('reads the password and database of a Redis URL', () => {
    const sut = parseConfig({ QUEUE_REDIS_URL: 'redis://:s%40cret@redis.internal:6380/5' });

    expect(sut.queue.redis).toMatchObject({ host: 'redis.internal', port: 6380, db: 5, password: 's@cret' });
  });

  it('reads BEAT_SCHEDULE overrides as JSON', () => {
    const sut = parseConfig({ BEAT_SCHEDULE: '{"test-task":{"enabled":true}}' });

    expect(sut.beat.scheduleOverrides).toEqual({ 'test-task': { enabled: true } });
  });

  it('treats an empty value as unset', () => {
    expect(parseConfig({ PORT: '' }).http.port).toBe(3000);
    expect(parseConfig({ METRICS_PORT: '' }).metrics.port).toBeUndefined();
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
    ['BEAT_SCHEDULE', '{"test-task":', 'BEAT_SCHEDULE must be a JSON object'],
    ['BEAT_SCHEDULE', '[1]', 'BEAT_SCHEDULE must be a JSON object'],
    ['WORKER_CONCURRENCY', '0', 'WORKER_CONCURRENCY must be an integer from 1 to 256'],
    ['METRICS_PORT', '9464x', 'METRICS_PORT must be an integer from 0 to 65535 (got "9464x")'],
    ['WORKER_LOCK_SECONDS', '0', 'WORKER_LOCK_SECONDS must be an integer from 1 to 3600'],
  ])('refuses %s=%j with a message naming it', (name, value, message) => {
    const parse = () => parseConfig({ [name]: value });

    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(message);
  });

  it('never prints a rejected secret', () => {
    expect(() => parseConfig({ DATABASE_URL: 'mysql://root:hunter2@db/' })).toThrow(/root:\*\*\*@db/);
  });
});
