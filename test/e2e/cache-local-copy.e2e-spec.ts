import type { RedisClientType } from '@keyv/redis';
import { BannerRows } from '../support/banner-rows';
import { openRedisClient } from '../support/cache-redis-client';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** Long enough that only an invalidation, never the copy's expiry, can explain a fresh answer. */
const LONG_LOCAL_TTL_MS = 60_000;

interface Answer {
  readonly xCache: string | null;
  readonly names: string[];
}

/**
 * The copy of the cached banner list that each api process keeps in front of Redis, across real
 * `node dist/main --role=…` processes: coherent on every write through the application, bounded by
 * CACHE_LOCAL_TTL_MS for a change behind its back, and off while invalidations cannot arrive.
 */
describe('the local copy of cached entries (e2e, api processes on real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let rows: BannerRows;
  let redis: RedisClientType;
  let entryKey: string;
  const started: MainProcess[] = [];

  const startApi = async (env: Record<string, string>, role = 'api'): Promise<string> => {
    const main = new MainProcess([`--role=${role}`], { ...environment.env, ...env });
    started.push(main);
    return (await main.ready())!;
  };

  const home = async (url: string): Promise<Answer> => {
    const response = await fetch(`${url}/api/home/banners`);
    expect(response.status).toBe(200);
    return { xCache: response.headers.get('x-cache'), names: ((await response.json()) as { name: string }[]).map((banner) => banner.name) };
  };

  const admin = (url: string, method: string, path: string, body?: unknown) =>
    fetch(`${url}/api/admin/${path}`, {
      method,
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  /** Fills the entry and the process's copy: the second answer is a HIT. */
  const warm = async (url: string): Promise<Answer> => {
    await home(url);
    const answer = await home(url);
    expect(answer.xCache).toBe('HIT');
    return answer;
  };

  const copyEnabled = async (url: string): Promise<number | undefined> => {
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } });
    expect(response.status).toBe(200);
    const text = await response.text();
    const line = text.split('\n').find((candidate) => candidate.startsWith('cache_local_copy_enabled '));
    return line === undefined ? undefined : Number(line.split(' ')[1]);
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    // The first api creates the database and runs the migrations.
    await startApi({});
    await Promise.all(started.splice(0).map((main) => main.stop()));
    rows = await BannerRows.open(environment.env.DATABASE_URL);
    redis = await openRedisClient(environment.env.REDIS_URL);
    entryKey = `${environment.env.CACHE_KEY_PREFIX}:banner_list`;
  });

  beforeEach(async () => {
    await rows.clear();
    await redis.del(entryKey);
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((main) => main.stop()));
  });

  afterAll(async () => {
    await rows?.close();
    redis?.destroy();
    await environment.dispose();
  });

  describe('two api processes and a worker', () => {
    let first: string;
    let second: string;

    beforeEach(async () => {
      const env = { CACHE_LOCAL_TTL_MS: String(LONG_LOCAL_TTL_MS) };
      [first, second] = await Promise.all([startApi(env), startApi(env), startApi(env, 'worker')]);
    });

    it('answer from their own copies: a DEL behind their back goes unseen while the copy is fresh', async () => {
      await rows.insert({ name: 'cached' });
      await warm(first);
      await warm(second);

      await redis.del(entryKey);

      expect(await home(first)).toEqual({ xCache: 'HIT', names: ['cached'] });
      expect(await home(second)).toEqual({ xCache: 'HIT', names: ['cached'] });
    });

    it('answer from the copy with the bytes, ETag and 304 of the shared entry', async () => {
      await rows.insert({ name: 'cached', info: 'Ä' });
      await warm(first);
      const fromRedis = await fetch(`${second}/api/home/banners`);
      const expected = {
        body: await fromRedis.text(),
        etag: fromRedis.headers.get('etag'),
        cacheControl: fromRedis.headers.get('cache-control'),
      };

      await redis.del(entryKey);
      const fromCopy = await fetch(`${second}/api/home/banners`);
      const notModified = await fetch(`${second}/api/home/banners`, { headers: { 'if-none-match': expected.etag! } });

      expect(fromRedis.headers.get('x-cache')).toBe('HIT');
      expect(fromCopy.headers.get('x-cache')).toBe('HIT');
      expect({
        body: await fromCopy.text(),
        etag: fromCopy.headers.get('etag'),
        cacheControl: fromCopy.headers.get('cache-control'),
      }).toEqual(expected);
      expect(fromCopy.headers.get('content-type')).toBe(fromRedis.headers.get('content-type'));
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('x-cache')).toBe('HIT');
      expect(await notModified.text()).toBe('');
      expect(notModified.headers.get('etag')).toBe(expected.etag);
    });

    it('a banner changed through the admin API: once one api shows it, the other does at once', async () => {
      const id = await rows.insert({ name: 'before' });
      await warm(first);
      await warm(second);

      const changed = await admin(first, 'PATCH', `banners/${id}`, { name: 'after' });
      expect(changed.status).toBe(200);

      await pollUntil(
        () => home(first),
        ({ names }) => names[0] === 'after',
        'the first api to show the change',
      );
      expect(await home(second)).toEqual({ xCache: 'HIT', names: ['after'] });
    });

    it('DELETE /api/admin/cache/banners on one api: the next read on the other is a MISS', async () => {
      const id = await rows.insert({ name: 'before' });
      await warm(first);
      await warm(second);
      await rows.update(id, { name: 'after' });

      expect((await admin(first, 'DELETE', 'cache/banners')).status).toBe(204);

      expect(await home(second)).toEqual({ xCache: 'MISS', names: ['after'] });
    });
  });

  it('sees a DEL made behind its back once the copy is CACHE_LOCAL_TTL_MS old, never later', async () => {
    const localTtlMs = 2_000;
    const url = await startApi({ CACHE_LOCAL_TTL_MS: String(localTtlMs) });
    await rows.insert({ name: 'cached' });
    await warm(url);

    await redis.del(entryKey);
    const deletedAt = performance.now();
    const answers: (Answer & { sentAt: number })[] = [];
    await pollUntil(
      async () => {
        const sentAt = performance.now();
        const answer = await home(url);
        answers.push({ ...answer, sentAt: sentAt - deletedAt });
        return answer;
      },
      ({ xCache }) => xCache === 'MISS',
      'a MISS after the DEL',
      { timeoutMs: localTtlMs + 15_000, intervalMs: 50 },
    );

    // The copy answered at first, and never to a request sent after it had expired.
    expect(answers[0].xCache).toBe('HIT');
    const fromCopy = answers.filter(({ xCache }) => xCache === 'HIT');
    expect(fromCopy.every(({ sentAt }) => sentAt < localTtlMs)).toBe(true);
  });

  it('reads Redis every time while its subscription is lost, and uses its copy again once it is back', async () => {
    // Only the cache Redis connections go through the proxy; refusing new connections keeps the
    // command connection open while the cut subscriber cannot come back.
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 6379 });
    try {
      const url = await startApi({
        REDIS_URL: `redis://127.0.0.1:${proxy.listeningPort}/0`,
        CACHE_LOCAL_TTL_MS: String(LONG_LOCAL_TTL_MS),
      });
      await rows.insert({ name: 'cached' });
      expect(await copyEnabled(url)).toBe(1);
      await warm(url);
      await redis.del(entryKey);
      expect((await home(url)).xCache).toBe('HIT');

      proxy.refuseNew();
      const subscriberName = `${environment.env.CACHE_KEY_PREFIX}:invalidations`;
      const clients = await redis.sendCommand<string>(['CLIENT', 'LIST', 'TYPE', 'pubsub']);
      const subscriber = clients.split('\n').find((line) => line.includes(` name=${subscriberName} `));
      expect(subscriber).toBeDefined();
      await redis.sendCommand(['CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(subscriber!)![1]]);
      await pollUntil(
        () => copyEnabled(url),
        (enabled) => enabled === 0,
        'the local copy to be turned off',
      );

      expect((await home(url)).xCache).toBe('MISS');
      expect((await home(url)).xCache).toBe('HIT');
      await redis.del(entryKey);
      expect((await home(url)).xCache).toBe('MISS');

      await proxy.resume();
      await pollUntil(
        () => copyEnabled(url),
        (enabled) => enabled === 1,
        'the local copy to be back',
        { timeoutMs: 15_000, intervalMs: 50 },
      );

      await warm(url);
      await redis.del(entryKey);
      expect((await home(url)).xCache).toBe('HIT');
    } finally {
      await Promise.all(started.splice(0).map((main) => main.stop()));
      await proxy.stop();
    }
  });
});
