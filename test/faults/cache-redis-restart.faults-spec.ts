import { BannerRows } from '../support/banner-rows';
import { MainProcess } from '../support/main-process';
import { TestRedisServer } from '../support/redis-server';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';
import { reportFigures } from './support/figures';
import { brief, countBy, crashLines, span, Traffic } from './support/outage';

const DOWN_MS = 2_000;
/** CACHE_TIMEOUT_MS is 200; the rest is room for a busy shared machine, a bound on a hang. */
const SLOWEST_MS = 3_000;

/**
 * Scenario 4: the cache Redis is killed and a fresh, empty redis-server starts on the same port
 * while clients keep reading the banner list. Every answer must be a 200 with the same list:
 * from MySQL while the cache is away, from the cache again once it is back.
 */
describe('the cache Redis restarts under an api serving the banner list (real process)', () => {
  let environment: TestEnvironment;
  let redis: TestRedisServer;
  let api: MainProcess;
  let traffic: Traffic | undefined;

  beforeAll(async () => {
    environment = createTestEnvironment();
    redis = await TestRedisServer.start();
    api = new MainProcess(['--role=api'], { ...environment.env, REDIS_URL: redis.url(0) });
    const url = (await api.ready())!;
    const rows = await BannerRows.open(environment.env.DATABASE_URL);
    await rows.insert({ name: 'first', orders: 2 });
    await rows.insert({ name: 'second', orders: 1 });
    await rows.close();
    traffic = new Traffic(() => ({ kind: 'home', send: () => fetch(`${url}/api/home/banners`) }), 5);
  });

  afterAll(async () => {
    await traffic?.stop();
    await api?.stop();
    await redis?.stop();
    await environment?.dispose();
  });

  it('answers 200 with the same list throughout, and caches again by itself', async () => {
    const sut = traffic!;
    const cached = await sut.waitFor((answer) => answer.xCache === 'HIT', 0, 'a cached answer');

    const downAt = sut.now();
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
    const upAt = sut.now();
    await redis.resume();
    const backAt = sut.now();
    const hitAgain = await sut.waitFor((answer) => answer.xCache === 'HIT', backAt, 'a cached answer after the restart');
    await sut.stop();
    const answers = sut.answers;

    expect(answers.filter((a) => a.status !== 200).map(brief)).toEqual([]);
    expect(answers.filter((a) => JSON.stringify(a.body) !== JSON.stringify(cached.body)).map(brief)).toEqual([]);
    // The cache was really away: those answers came from MySQL.
    expect(answers.filter((a) => a.at >= downAt && a.at < upAt).map((a) => a.xCache)).toContain('BYPASS');
    const slowest = Math.max(...answers.map((a) => a.ms));
    expect(slowest).toBeLessThan(SLOWEST_MS);
    expect(crashLines(api)).toEqual([]);
    expect(api.child.exitCode).toBeNull();

    reportFigures('cache-redis-restart', {
      outageMs: backAt - downAt,
      notFromCache: span(answers, (a) => a.at >= downAt && a.xCache !== 'HIT', downAt),
      cachedAgainAfterMs: hitAgain.at - downAt,
      requests: answers.length,
      statuses: countBy(answers, (a) => String(a.status)),
      xCache: countBy(answers, (a) => String(a.xCache)),
      xCacheDuringOutage: countBy(
        answers.filter((a) => a.at >= downAt && a.at < backAt),
        (a) => String(a.xCache),
      ),
      slowestMs: slowest,
    });
  });
});
