import type { RedisClientType } from '@keyv/redis';
import type { HomeBanner } from '../../src/banner/dto/home-banner.response';
import { UpdateBannerListTask } from '../../src/banner/update-banner-list.task';
import { BannerRows } from '../support/banner-rows';
import { deleteEntry, localCopyDropped, openRedisClient } from '../support/cache-redis-client';
import { jsonBody } from '../support/json-body';
import { BANNER_SELECT, QueryCounter } from '../support/query-counter';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const MEDIA_BASE_URL = 'https://media.example.test';
const BANNER_CACHE_TTL_SECONDS = 600;
const CLIENT_MAX_AGE_SECONDS = 30;

describe('GET /api/home/banners (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let env: Record<string, string>;
  let sut: TestApp;
  let queries: QueryCounter;
  let rows: BannerRows;
  let redis: RedisClientType;
  let entryKey: string;

  const home = (headers: Record<string, string> = {}) => fetch(`${sut.url}/api/home/banners`, { headers });

  beforeAll(async () => {
    environment = createTestEnvironment();
    env = {
      ...environment.env,
      LOG_LEVEL: 'warn',
      MEDIA_BASE_URL,
      BANNER_COUNT: '3',
      BANNER_CACHE_TTL: String(BANNER_CACHE_TTL_SECONDS),
      CLIENT_MAX_AGE: String(CLIENT_MAX_AGE_SECONDS),
    };
    sut = await startTestApp('api', env);
    queries = new QueryCounter(sut.app, BANNER_SELECT);
    rows = await BannerRows.open(env.DATABASE_URL);
    redis = await openRedisClient(env.REDIS_URL);
    entryKey = `${env.CACHE_KEY_PREFIX}:banner_list`;
  });

  // Each test starts cold: the entry deleted and every process's local copy dropped.
  const dropEntry = async () => {
    await deleteEntry(redis, env.CACHE_KEY_PREFIX, 'banner_list');
    await localCopyDropped(sut.app, 'banner_list');
  };

  beforeEach(async () => {
    await rows.clear();
    await dropEntry();
    queries.reset();
  });

  afterAll(async () => {
    await sut?.close();
    await rows?.close();
    redis?.destroy();
    await environment.dispose();
  });

  it('lists shown, undeleted banners by orders (newest first among equals), at most BANNER_COUNT, with absolute images', async () => {
    await rows.insert({ name: 'low', orders: 1 });
    const first = await rows.insert({
      name: 'tie, older',
      orders: 5,
      image: '/media/banner/2.png',
      link: 'https://example.com/a',
      info: 'Ä info',
    });
    const second = await rows.insert({ name: 'tie, newer', orders: 5 });
    const top = await rows.insert({ name: 'top', orders: 9, image: '/media/banner/3.png' });
    await rows.insert({ name: 'hidden', orders: 100, is_show: false });
    await rows.insert({ name: 'deleted', orders: 100, is_delete: true });

    const response = await home();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual([
      { id: top, name: 'top', image: `${MEDIA_BASE_URL}/media/banner/3.png`, link: '/courses', info: '', orders: 9 },
      { id: second, name: 'tie, newer', image: `${MEDIA_BASE_URL}/media/banner/1.png`, link: '/courses', info: '', orders: 5 },
      {
        id: first,
        name: 'tie, older',
        image: `${MEDIA_BASE_URL}/media/banner/2.png`,
        link: 'https://example.com/a',
        info: 'Ä info',
        orders: 5,
      },
    ]);
  });

  it('answers an empty list when there is no banner', async () => {
    const response = await home();

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('[]');
  });

  it('is a MISS that queries MySQL once, then a HIT with the same bytes that does not query it', async () => {
    await rows.insert({ name: 'one' });

    const miss = await home();
    const missBody = await miss.text();
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(queries.count).toBe(1);

    const hit = await home();
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.text()).toBe(missBody);
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(queries.count).toBe(1);
  });

  it('keeps the entry in Redis under the key prefix, as the bytes sent, for BANNER_CACHE_TTL', async () => {
    await rows.insert({ name: 'stored' });

    const body = await (await home()).text();

    const stored = await redis.get(entryKey);
    expect(stored?.slice(stored.indexOf('\n') + 1)).toBe(body);
    const ttlMs = await redis.pTTL(entryKey);
    expect(ttlMs).toBeGreaterThan((BANNER_CACHE_TTL_SECONDS - 60) * 1000);
    expect(ttlMs).toBeLessThanOrEqual(BANNER_CACHE_TTL_SECONDS * 1000);
  });

  it('sends a strong ETag and Cache-Control with max-age, stale-while-revalidate and stale-if-error', async () => {
    const response = await home();

    expect(response.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    expect(response.headers.get('cache-control')).toBe(
      `public, max-age=${CLIENT_MAX_AGE_SECONDS}, stale-while-revalidate=${CLIENT_MAX_AGE_SECONDS}, ` +
        `stale-if-error=${BANNER_CACHE_TTL_SECONDS}`,
    );
  });

  it('answers a matching If-None-Match with an empty 304, and a stale one with the new list', async () => {
    await rows.insert({ name: 'v1' });
    const etag = (await home()).headers.get('etag')!;

    const notModified = await home({ 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('cache-control')).toMatch(/^public, max-age=/);
    expect(notModified.headers.get('x-cache')).toBe('HIT');

    await rows.insert({ name: 'v2', orders: 1 });
    await dropEntry();
    const changed = await home({ 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect((await jsonBody<HomeBanner[]>(changed)).map((banner) => banner.name)).toEqual(['v2', 'v1']);
  });

  it('queries MySQL exactly once for 100 concurrent requests on a cold cache', async () => {
    await rows.insert({ name: 'cold' });

    const responses = await Promise.all(Array.from({ length: 100 }, () => home()));

    expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
    expect(new Set(await Promise.all(responses.map((response) => response.text()))).size).toBe(1);
    expect(queries.count).toBe(1);
  });

  describe('with a second api process on the same database and cache', () => {
    let other: TestApp;
    let otherQueries: QueryCounter;

    beforeAll(async () => {
      other = await startTestApp('api', env);
      otherQueries = new QueryCounter(other.app, BANNER_SELECT);
    });

    afterAll(async () => {
      await other?.close();
    });

    it('queries MySQL exactly once in all for 50 concurrent cold requests to each', async () => {
      await rows.insert({ name: 'shared' });
      otherQueries.reset();

      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, index) => fetch(`${index % 2 ? other.url : sut.url}/api/home/banners`)),
      );

      expect(responses.map((response) => response.status)).toEqual(Array(100).fill(200));
      expect(new Set(responses.map((response) => response.headers.get('etag'))).size).toBe(1);
      expect(queries.count + otherQueries.count).toBe(1);
    });
  });

  it('serves what the update_banner_list task stored, and the task replaces the entry without a miss', async () => {
    await rows.insert({ name: 'before' });
    await home();
    await rows.insert({ name: 'after', orders: 1 });

    await expect(sut.app.get(UpdateBannerListTask).run()).resolves.toBe(true);
    queries.reset();

    const response = await home();
    expect(response.headers.get('x-cache')).toBe('HIT');
    expect((await jsonBody<HomeBanner[]>(response)).map((banner) => banner.name)).toEqual(['after', 'before']);
    expect(queries.count).toBe(0);
  });

  it('serves the demo images as static files', async () => {
    const response = await fetch(`${sut.url}/media/banner/1.png`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });
});
