import { Redis } from 'ioredis';
import { RespConnection } from '../../src/tasks/runtime/heartbeat/heartbeat.connection';
import { pollUntil } from '../support/poll';
import { TestRedisServer } from '../support/redis-server';

/** How long the test holds the event loop to show a command left before it. */
const BLOCK_MS = 1_000;

describe('the heartbeat’s own Redis connection (e2e, a real redis-server)', () => {
  let server: TestRedisServer;
  let admin: Redis;
  const connections: RespConnection[] = [];

  function connection(options: { db?: number; username?: string; password?: string } = {}): RespConnection {
    const opened = new RespConnection({ host: '127.0.0.1', port: server.port, db: 0, ...options });
    connections.push(opened);
    return opened;
  }

  beforeAll(async () => {
    server = await TestRedisServer.start();
    admin = new Redis(server.url(), { maxRetriesPerRequest: 1 });
    admin.on('error', () => undefined);
  });

  afterEach(async () => {
    for (const opened of connections.splice(0)) opened.disconnect();
    server.unpause();
    await admin.flushall();
  });

  afterAll(async () => {
    admin.disconnect();
    await server.stop();
  });

  it('answers EVAL with what the script returns (integers, strings, nil, nested arrays) and DEL with the count', async () => {
    const redis = connection();

    expect(await redis.eval("redis.call('SET', KEYS[1], ARGV[1]); return {1, {'a', 'b'}, {}, ARGV[2]}", 1, 'k', 'v', 'é ✓')).toEqual([
      1,
      ['a', 'b'],
      [],
      'é ✓',
    ]);
    expect(await redis.eval('return nil', 0)).toBeNull();
    expect(await admin.get('k')).toBe('v');
    expect(await redis.del('k')).toBe(1);
    expect(await redis.del('k')).toBe(0);
  });

  it('fails a command with Redis’s own error and answers the next one', async () => {
    const redis = connection();

    await expect(redis.eval("return redis.call('NOSUCHCOMMAND')", 0)).rejects.toThrow(/Unknown Redis command/i);
    expect(await redis.eval('return 7', 0)).toBe(7);
  });

  it('authenticates as its user and selects its database; a wrong password fails its commands', async () => {
    await admin.call('ACL', 'SETUSER', 'heartbeat', 'on', '>s3cret', '~*', '&*', '+@all');
    const redis = connection({ username: 'heartbeat', password: 's3cret', db: 3 });

    await redis.eval("redis.call('SET', KEYS[1], ARGV[1])", 1, 'selected', 'yes');
    expect(await admin.select(3).then(() => admin.get('selected'))).toBe('yes');
    await admin.select(0);
    await expect(connection({ username: 'heartbeat', password: 'wrong' }).eval('return 1', 0)).rejects.toThrow(/lost: WRONGPASS/);
  });

  it('writes a command before the call returns: it reaches Redis while the event loop is blocked', async () => {
    const redis = connection();
    await redis.eval('return 1', 0);

    const start = Date.now();
    const answered = redis.eval(
      "local now = redis.call('TIME'); redis.call('SET', KEYS[1], now[1] * 1000 + math.floor(now[2] / 1000))",
      1,
      'at',
    );
    while (Date.now() - start < BLOCK_MS);
    await answered;

    // Redis and this process read the same clock.
    expect(Number(await admin.get('at')) - start).toBeLessThan(BLOCK_MS / 2);
  });

  it('fails the commands a lost connection carried and those given while it is down, then comes back on its own', async () => {
    const redis = connection();
    await redis.eval('return 1', 0);

    server.pause();
    const carried = redis.eval('return 1', 0);
    await server.stop();
    await expect(carried).rejects.toThrow(/heartbeat's connection to Redis at 127\.0\.0\.1:\d+ was lost/);
    await expect(redis.eval('return 2', 0)).rejects.toThrow(/was lost: connect ECONNREFUSED/);

    await server.resume();
    await pollUntil(
      () => redis.eval('return 3', 0).catch(() => null),
      (answer) => answer === 3,
      'the heartbeat connection back',
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  });

  it('once disconnected, fails what is under way and every later command, and opens no connection again', async () => {
    const redis = connection();
    await redis.eval('return 1', 0);
    const clients = async () => ((await admin.call('CLIENT', 'LIST')) as string).trim().split('\n').length;
    const withIt = await clients();

    server.pause();
    const underWay = redis.eval('return 1', 0);
    redis.disconnect();
    server.unpause();

    await expect(underWay).rejects.toThrow(/was lost/);
    await expect(redis.eval('return 1', 0)).rejects.toThrow('The heartbeat connection is closed');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await clients()).toBe(withIt - 1);
  });
});
