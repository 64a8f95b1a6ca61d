import { parseConfig } from '../../src/config/app-config';
import { ThrottleCounters } from '../../src/security/throttle-counters';
import { ThrottleRedis } from '../../src/security/throttle-redis';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const WINDOW_MS = 60_000;

/**
 * The throttles' counters against the real cache Redis: the hits of one turn of the event loop are
 * sent through a corked socket, and each caller still gets its own hit's answer.
 */
describe('ThrottleCounters (e2e, real Redis)', () => {
  let environment: TestEnvironment;
  let redis: ThrottleRedis;
  let counters: ThrottleCounters;

  beforeAll(async () => {
    environment = createTestEnvironment();
    const config = parseConfig(environment.env);
    redis = new ThrottleRedis(config);
    await redis.onModuleInit();
    counters = new ThrottleCounters(redis, config);
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    redis?.onApplicationShutdown();
    await environment?.dispose();
  });

  it('sends the hits of one turn through a corked socket and answers each with its own counter', async () => {
    const full = { key: 'batch:full', max: 2, windowMs: WINDOW_MS };
    const fresh = { key: 'batch:fresh', max: 2, windowMs: WINDOW_MS };
    for (let i = 0; i < 3; i++) await counters.hit(full, full);
    const corks = jest.spyOn(redis.client.stream, 'cork');
    const writes = jest.spyOn(redis.client.stream, 'write');

    const answers = await Promise.all([fresh, full, fresh, full, fresh].map((ceiling) => counters.hit(ceiling, ceiling)));

    expect(corks).toHaveBeenCalledTimes(1);
    expect(writes).toHaveBeenCalledTimes(5);
    expect(corks.mock.invocationCallOrder[0]).toBeLessThan(writes.mock.invocationCallOrder[0]);
    expect(answers.map((answer) => answer?.ceiling.key)).toEqual([undefined, 'batch:full', undefined, 'batch:full', 'batch:fresh']);
    expect(answers[1]?.retryAfterSeconds).toBeGreaterThanOrEqual(59);
  });

  it('sends a hit alone in its turn without corking the socket', async () => {
    const corks = jest.spyOn(redis.client.stream, 'cork');
    const ceiling = { key: 'alone', max: 5, windowMs: WINDOW_MS };

    await counters.hit(ceiling, ceiling);
    await counters.hit(ceiling, ceiling);

    expect(corks).not.toHaveBeenCalled();
    expect(await redis.client.get(`${environment.env.CACHE_KEY_PREFIX}:rate-limit:alone`)).toBe('2');
  });
});
