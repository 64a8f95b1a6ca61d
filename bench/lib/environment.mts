import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { Child, freePort } from './processes.mts';

export const MYSQL_SERVER = { host: '127.0.0.1', port: 3306, user: 'root' };
const SHARED_REDIS = 'redis://127.0.0.1:6379';
/** Only databases with this prefix are ever dropped by the bench. */
const DATABASE_PREFIX = 'bt_bench_';

/**
 * For our processes in a figure whose two sides take turns. Waiting for its turn, a side would give
 * its heap back and end its heartbeat thread once quiet for MEMORY_TRIM_IDLE_SECONDS (5 s), and so
 * start its next run cold, which a process under steady load never does: the side that went second
 * in a pair, idle through the other's run, ran cold. In the rate-limit figure's runs of 1 and 2
 * December, at concurrency 1, the limited worker read a median of 111 % of the other where it went
 * first and 92 % where it went second (docs/benchmark-history.md, Turns without a cold side).
 */
export const NO_IDLE_TRIM: Readonly<Record<string, string>> = { MEMORY_TRIM_IDLE_SECONDS: '0' };

/**
 * The bench's own places on the shared servers: a MariaDB database `bt_bench_<id>` and a cache key
 * prefix on the shared Redis (as the api would use in production), and a private redis-server on a
 * free port as the broker, so that the task figures are not slowed down by the test suites of
 * others on 6379 and can be wiped between repetitions. All dropped by {@link dispose}.
 */
export class BenchEnvironment {
  readonly id = randomBytes(4).toString('hex');
  readonly database = `${DATABASE_PREFIX}${this.id}`;
  readonly cachePrefix = `bench-cache-${this.id}`;
  /** The admin routes' Bearer token (the enqueue load and the stampede's cache drop use them). */
  readonly adminToken = randomBytes(24).toString('hex');
  private broker?: Child;
  brokerPort = 0;

  async start(): Promise<void> {
    const mysql = await createConnection(MYSQL_SERVER);
    await mysql.query(`CREATE DATABASE \`${this.database}\``);
    await mysql.end();
    this.brokerPort = await freePort();
    this.broker = new Child(
      'redis-server',
      ['--port', String(this.brokerPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {},
    );
    const redis = this.brokerClient();
    // Refused connections until the server listens: retried below, not worth a warning.
    redis.on('error', () => undefined);
    for (let attempt = 0; ; attempt++) {
      try {
        await redis.ping();
        break;
      } catch (error) {
        if (attempt > 100) throw new Error(`The private redis-server did not start: ${String(error)}`, { cause: error });
        await sleep(50);
      }
    }
    redis.disconnect();
  }

  /** The service's environment; a figure adds or overrides what it varies. */
  env(overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
    return {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: this.databaseUrl(),
      REDIS_URL: `${SHARED_REDIS}/0`,
      CACHE_KEY_PREFIX: this.cachePrefix,
      QUEUE_REDIS_URL: this.brokerUrl(),
      QUEUE_PREFIX: 'bull',
      ADMIN_TOKEN: this.adminToken,
      // The bench measures how many enqueues the service can take, not an admin deployment's ceiling.
      TASK_ENQUEUES_PER_MINUTE: '1000000',
      // autocannon keeps a connection past the server's `Connection: close` and gets Node's 503s.
      HTTP_MAX_REQUESTS_PER_SOCKET: '1000000',
      ...overrides,
    };
  }

  databaseUrl(server = MYSQL_SERVER): string {
    return `mysql://${server.user}@${server.host}:${server.port}/${this.database}`;
  }

  brokerUrl(): string {
    return `redis://127.0.0.1:${this.brokerPort}/0`;
  }

  /** A client on the private broker, which the bench may wipe at will (FLUSHDB). */
  brokerClient(): Redis {
    return new Redis(this.brokerPort, '127.0.0.1', { maxRetriesPerRequest: 1, lazyConnect: false });
  }

  /** A client on the shared cache Redis: only keys under {@link cachePrefix} may be touched. */
  cacheClient(): Redis {
    return new Redis(`${SHARED_REDIS}/0`);
  }

  /** Banners for the home list: more than BANNER_COUNT, so the query sorts and limits. */
  async seedBanners(): Promise<void> {
    const mysql = await createConnection({ ...MYSQL_SERVER, database: this.database });
    try {
      for (let i = 1; i <= 10; i++) {
        await mysql.query('INSERT INTO banners (name, image, link, info, orders) VALUES (?, ?, ?, ?, ?)', [
          `Banner ${i}`,
          `/media/banner/${(i % 4) + 1}.png`,
          `https://example.com/${i}`,
          'A banner of the benchmark',
          i,
        ]);
      }
    } finally {
      await mysql.end();
    }
  }

  async dispose(): Promise<void> {
    if (!this.database.startsWith(DATABASE_PREFIX)) throw new Error(`Refusing to drop ${this.database}`);
    const mysql = await createConnection(MYSQL_SERVER);
    await mysql.query(`DROP DATABASE IF EXISTS \`${this.database}\``);
    await mysql.end();
    const cache = this.cacheClient();
    let cursor = '0';
    do {
      const [next, keys] = await cache.scan(cursor, 'MATCH', `${this.cachePrefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await cache.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    cache.disconnect();
    await this.broker?.stop();
  }
}
