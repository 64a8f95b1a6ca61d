import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { MainProcess } from '../support/main-process';
import { TestRedisServer } from '../support/redis-server';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

describe('node dist/main (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  const started: MainProcess[] = [];

  const start = (args: string[], env: Record<string, string> = {}): MainProcess => {
    const sut = new MainProcess(args, { ...environment.env, ...env });
    started.push(sut);
    return sut;
  };

  /** Readiness names the dependencies to the admin token only. */
  const admin = () => ({ authorization: `Bearer ${environment.env.ADMIN_TOKEN}` });

  beforeAll(() => {
    environment = createTestEnvironment();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((process) => process.stop()));
  });

  afterAll(async () => {
    await environment.dispose();
  });

  it('serves liveness and readiness as api, creating its database on first start', async () => {
    const sut = start(['--role=api']);
    const url = await sut.ready();

    expect(sut.lines[0]).toContain('"msg":"Starting as api"');
    expect(sut.listeningPorts()).toEqual([Number(new URL(url!).port)]);
    await expect((await fetch(`${url}/api/health`)).json()).resolves.toEqual({ status: 'ok' });
    const ready = await fetch(`${url}/api/health/ready`, { headers: admin() });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { mysql: { status: 'up' }, cache_redis: { status: 'up' }, queue_redis: { status: 'up' } },
    });
    const anonymous = await fetch(`${url}/api/health/ready`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ok' });
    const mysql = await createConnection({ uri: 'mysql://root@127.0.0.1:3306' });
    const [rows] = await mysql.query('SHOW DATABASES LIKE ?', [new URL(environment.env.DATABASE_URL).pathname.slice(1)]);
    await mysql.end();
    expect(rows).toHaveLength(1);
  });

  it('echoes a request id and logs it', async () => {
    const sut = start(['--role=api']);
    const url = await sut.ready();

    const response = await fetch(`${url}/api/health`, { headers: { 'x-request-id': 'trace-42' } });

    expect(response.headers.get('x-request-id')).toBe('trace-42');
    await sut.waitForLine(/"id":"trace-42".*"statusCode":200/);
  });

  it.each([['worker'], ['beat'], ['worker,beat']])('runs as %s without binding a port', async (role) => {
    const sut = start([`--role=${role}`]);

    await expect(sut.ready()).resolves.toBeUndefined();
    expect(sut.lines[0]).toContain(`"msg":"Starting as ${role.replace(',', ', ')}"`);
    expect(sut.listeningPorts()).toEqual([]);
  });

  it('plays every role when no role is given', async () => {
    const sut = start([]);
    const url = await sut.ready();

    expect(sut.lines[0]).toContain('"msg":"Starting as api, worker, beat"');
    expect((await fetch(`${url}/api/health/ready`)).status).toBe(200);
  });

  it('exits 2 on an unknown role, with one line listing the valid ones', async () => {
    const sut = start(['--role=web']);

    await expect(sut.exitCode()).resolves.toBe(2);
    expect(sut.lines).toEqual(['Unknown role "web": valid roles are api, worker, beat, all (a comma list combines them)']);
  });

  it.each([
    ['PORT', 'http'],
    ['QUEUE_REDIS_URL', 'localhost:6379'],
    ['BEAT_TIMEZONE', 'Nowhere/Land'],
  ])('exits 1 when %s is malformed, with one line naming it', async (name, value) => {
    const sut = start(['--role=api'], { [name]: value });

    await expect(sut.exitCode()).resolves.toBe(1);
    expect(sut.lines).toHaveLength(1);
    expect(sut.lines[0]).toMatch(new RegExp(`^Invalid configuration: ${name} must be .*\\(got "${value}"\\)$`));
  });

  it.each([['api'], ['worker'], ['beat']])('exits 0 on SIGTERM as %s', async (role) => {
    const sut = start([`--role=${role}`]);
    await sut.ready();

    sut.child.kill('SIGTERM');

    await expect(sut.exitCode()).resolves.toBe(0);
    expect(sut.lines.at(-1)).toContain('Shut down cleanly');
  });

  describe('when a Redis goes away', () => {
    let redis: TestRedisServer;

    beforeEach(async () => {
      redis = await TestRedisServer.start();
    });

    afterEach(async () => {
      await redis.stop();
    });

    it.each([
      ['REDIS_URL', 'cache_redis'],
      ['QUEUE_REDIS_URL', 'queue_redis'],
    ])('turns readiness to 503 naming %s, and back to 200 when it returns', async (variable, check) => {
      const sut = start(['--role=api'], { [variable]: redis.url() });
      const url = await sut.ready();
      expect((await fetch(`${url}/api/health/ready`)).status).toBe(200);

      await redis.stop();
      const down = await fetch(`${url}/api/health/ready`, { headers: admin() });
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'error', error: { [check]: { status: 'down' } } });
      const anonymous = await fetch(`${url}/api/health/ready`);
      expect(anonymous.status).toBe(503);
      expect(await anonymous.json()).toEqual({ status: 'error' });
      expect((await fetch(`${url}/api/health`)).status).toBe(200);

      await redis.resume();
      await expect(pollStatus(`${url}/api/health/ready`, 200)).resolves.toBe(200);
    });
  });
});

/** Polls until the URL answers with the status, or gives up after the deadline with the last one. */
async function pollStatus(url: string, expected: number, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = (await fetch(url)).status;
    if (status === expected) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return status;
}

describe('the root logger of dist/ (e2e, a child Node process)', () => {
  /** Runs `code` in a Node process with `logger`, the built root logger; answers its output and exit code. */
  function withRootLogger(code: string): { output: string; status: number | null } {
    const rootLogger = join(__dirname, '..', '..', 'dist', 'logging', 'root-logger.js');
    const script =
      `const { createRootLogger } = require(${JSON.stringify(rootLogger)});` +
      `const logger = createRootLogger({ logLevel: 'info', nodeEnv: 'production' }, new Set(['api']));` +
      code;
    const { stdout, status } = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    return { output: stdout, status };
  }

  it('writes the lines still pending when the process exits, by process.exit or by a crash', () => {
    const exited = withRootLogger(`logger.info('before exit'); process.exit(3);`);
    const crashed = withRootLogger(`logger.info('before crash'); throw new Error('crash');`);

    expect([exited.status, exited.output]).toEqual([3, expect.stringContaining('"msg":"before exit"')]);
    expect([crashed.status, crashed.output]).toEqual([1, expect.stringContaining('"msg":"before crash"')]);
  });
});
