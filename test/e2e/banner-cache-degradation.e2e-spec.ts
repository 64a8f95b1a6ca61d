import { expect } from '@jest/globals';
import { BannerRows } from '../support/banner-rows';
import { jsonBody } from '../support/json-body';
import { deleteEntry, localCopyDropped, openRedisClient } from '../support/cache-redis-client';
import { BANNER_SELECT, QueryCounter } from '../support/query-counter';
import { TestRedisServer } from '../support/redis-server';
import { TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

interface HomeAnswer {
  status: number;
  xCache: string | null;
  body: unknown;
}

/** Outages and the 503s they cause are logged on purpose; the tests assert what clients get instead. */
const QUIET = { LOG_LEVEL: 'fatal' };

describe('GET /api/home/banners when a store fails (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let rows: BannerRows;
  let sut: TestApp | undefined;

  const home = async (): Promise<HomeAnswer> => {
    const response = await fetch(`${sut!.url}/api/home/banners`);
    return { status: response.status, xCache: response.headers.get('x-cache'), body: await jsonBody<unknown>(response) };
  };

  /** Asks until the answer comes from the cache again, or fails after the deadline with the last answer. */
  const pollUntilHit = async (timeoutMs = 15_000): Promise<HomeAnswer> => {
    const deadline = Date.now() + timeoutMs;
    let answer = await home();
    while (answer.xCache !== 'HIT' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      answer = await home();
    }
    expect(answer).toMatchObject({ status: 200, xCache: 'HIT' });
    return answer;
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    // Creates the database and runs the migrations, so that the tests below start on a ready schema.
    await (await startTestApp('api', { ...environment.env, ...QUIET })).close();
    rows = await BannerRows.open(environment.env.DATABASE_URL);
    await rows.insert({ name: 'resilient' });
  });

  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  afterAll(async () => {
    await rows?.close();
    await environment.dispose();
  });

  describe('the cache Redis', () => {
    let redis: TestRedisServer;

    beforeEach(async () => {
      redis = await TestRedisServer.start();
      sut = await startTestApp('api', { ...environment.env, ...QUIET, REDIS_URL: redis.url() });
    });

    afterEach(async () => {
      await redis.stop();
    });

    it('down: answers from MySQL with BYPASS, then caches again by itself once it is back', async () => {
      const queries = new QueryCounter(sut!.app, BANNER_SELECT);
      const cached = await home();
      expect(cached.xCache).toBe('MISS');
      expect((await home()).xCache).toBe('HIT');

      await redis.stop();

      const bypass = await home();
      expect(bypass).toEqual({ status: 200, xCache: 'BYPASS', body: cached.body });
      expect((await home()).xCache).toBe('BYPASS');
      expect(queries.count).toBe(3);

      await redis.resume();

      expect((await pollUntilHit()).body).toEqual(cached.body);
    });

    it('hanging: every cache call gives up after CACHE_TIMEOUT_MS and the answer comes from MySQL', async () => {
      const cached = await home();

      redis.pause();
      try {
        expect(await home()).toEqual({ status: 200, xCache: 'BYPASS', body: cached.body });
      } finally {
        redis.unpause();
      }

      await pollUntilHit();
    });

    it('down: the admin cache routes answer 503 CACHE_UNAVAILABLE instead of failing silently', async () => {
      await redis.stop();

      const response = await fetch(`${sut!.url}/api/admin/cache/banners`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` },
      });

      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ statusCode: 503, code: 'CACHE_UNAVAILABLE' });
    });
  });

  describe('MySQL', () => {
    let mysql: TcpProxy;

    beforeEach(async () => {
      mysql = await TcpProxy.start({ host: '127.0.0.1', port: 3306 });
      const url = new URL(environment.env.DATABASE_URL);
      url.port = String(mysql.listeningPort);
      sut = await startTestApp('api', { ...environment.env, ...QUIET, DATABASE_URL: url.href });
    });

    afterEach(async () => {
      await mysql.stop();
    });

    it('down with nothing cached: 503 with a JSON error', async () => {
      await mysql.stop();

      const answer = await home();

      expect(answer.status).toBe(503);
      expect(answer.body).toMatchObject({ statusCode: 503, code: 'DATABASE_UNAVAILABLE', requestId: expect.any(String) });
    });

    it('down with a warm cache: still 200 from Redis', async () => {
      const cached = await home();

      await mysql.stop();

      expect(await home()).toEqual({ status: 200, xCache: 'HIT', body: cached.body });
    });

    it('down and the shared entry gone: STALE from what this process served last, then MISS once MySQL is back', async () => {
      const cached = await home();
      await mysql.stop();
      const redis = await openRedisClient(environment.env.REDIS_URL);
      await deleteEntry(redis, environment.env.CACHE_KEY_PREFIX, 'banner_list');
      await localCopyDropped(sut!.app, 'banner_list');
      redis.destroy();

      expect(await home()).toEqual({ status: 200, xCache: 'STALE', body: cached.body });

      await mysql.resume();

      expect(await home()).toEqual({ status: 200, xCache: 'MISS', body: cached.body });
    });
  });

  describe('the cache Redis and MySQL together', () => {
    it('down: STALE from what this process served last', async () => {
      const redis = await TestRedisServer.start();
      const mysql = await TcpProxy.start({ host: '127.0.0.1', port: 3306 });
      try {
        const url = new URL(environment.env.DATABASE_URL);
        url.port = String(mysql.listeningPort);
        sut = await startTestApp('api', { ...environment.env, ...QUIET, REDIS_URL: redis.url(), DATABASE_URL: url.href });
        const cached = await home();

        await redis.stop();
        await mysql.stop();

        expect(await home()).toEqual({ status: 200, xCache: 'STALE', body: cached.body });
      } finally {
        await redis.stop();
        await mysql.stop();
      }
    });
  });
});
