import { expect } from '@jest/globals';
import { Redis } from 'ioredis';
import { parseJson, type LogLine } from '../support/json-body';
import { MainProcess } from '../support/main-process';
import { TestRedisServer } from '../support/redis-server';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

/** pino's number for `warn`. */
const WARN = 40;

describe('queue Redis eviction policy check at start (e2e, built app)', () => {
  let environment: TestEnvironment;
  const servers: TestRedisServer[] = [];
  const processes: MainProcess[] = [];

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.stop()));
    await Promise.all(servers.splice(0).map((server) => server.stop()));
  });

  afterAll(async () => {
    await environment.dispose();
  });

  const start = async (redisOptions: string[], roles: string[], logLevel = 'info', redis?: TestRedisServer): Promise<MainProcess[]> => {
    redis ??= await TestRedisServer.start(redisOptions);
    servers.push(redis);
    const env = { ...environment.env, LOG_LEVEL: logLevel, QUEUE_REDIS_URL: redis.url(1), MIGRATIONS_RUN: 'false' };
    const started = roles.map((role) => new MainProcess([`--role=${role}`], env));
    processes.push(...started);
    return started;
  };
  const policyWarnings = (process: MainProcess) =>
    process.lines.filter((line) => line.includes('maxmemory-policy') && parseJson<LogLine>(line).level === WARN);

  it('warns once, naming the policy, QUEUE_REDIS_URL and the fix, when the queue Redis can evict (api and worker)', async () => {
    const sut = await start(['--maxmemory-policy', 'allkeys-lru'], ['api', 'worker']);

    for (const process of sut) {
      const line = parseJson<LogLine>(await process.waitForLine(/maxmemory-policy/));
      expect(line.level).toBe(WARN);
      expect(line.msg).toContain('maxmemory-policy allkeys-lru');
      expect(line.msg).toContain('QUEUE_REDIS_URL');
      expect(line.msg).toContain('Set maxmemory-policy noeviction');
      await process.ready();
      expect(policyWarnings(process)).toHaveLength(1);
    }
  });

  it('says nothing above debug when the queue Redis is noeviction', async () => {
    const [sut] = await start(['--maxmemory-policy', 'noeviction'], ['worker'], 'debug');

    await sut.waitForLine(/"msg":"The queue Redis has maxmemory-policy noeviction"/);
    expect(policyWarnings(sut)).toEqual([]);
  });

  it('says it could not check, without a warning, when CONFIG is disabled as on managed Redis', async () => {
    const [sut] = await start(['--rename-command', 'CONFIG', ''], ['worker']);

    expect(parseJson<LogLine>(await sut.waitForLine(/Could not check the maxmemory-policy/)).level).toBeLessThan(WARN);
    expect(policyWarnings(sut)).toEqual([]);
  });

  it('answers enqueues 503 TASK_BROKER_FULL once the noeviction queue Redis is full, and loses nothing already queued', async () => {
    const redis = await TestRedisServer.start(['--maxmemory-policy', 'noeviction']);
    const [api] = await start([], ['api'], 'info', redis);
    const url = await api.ready();
    const enqueue = (args: number[]) =>
      fetch(`${url}/api/admin/tasks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'add', args, countdown: 3600 }),
      });
    const queued = (await (await enqueue([1, 2])).json()) as { id: string };
    const admin = new Redis(redis.url());
    await admin.config('SET', 'maxmemory', '1');
    await admin.quit();

    const refused = await enqueue([3, 4]);

    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({
      statusCode: 503,
      code: 'TASK_BROKER_FULL',
      message: expect.stringMatching(/^The task broker \(QUEUE_REDIS_URL\) is out of memory: could not enqueue task /),
    });
    const before = await fetch(`${url}/api/admin/tasks/${queued.id}`, {
      headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` },
    });
    expect(await before.json()).toMatchObject({ id: queued.id, state: 'PENDING' });
  });
});
