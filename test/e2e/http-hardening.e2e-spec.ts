import { expect } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../../src/config/app-config';
import { dashboardContentSecurityPolicy, securityHeaderOptions } from '../../src/security/security-headers';
import { setByHelmet } from '../support/helmet-headers';
import { RawConnection, requestFrom } from '../support/raw-http';
import { TestRedisServer } from '../support/redis-server';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const ONE_MIB = 1024 * 1024;
const TEN_MB = 10 * ONE_MIB;

const head = (requestLine: string, headers: string[]) => `${[requestLine, 'Host: 127.0.0.1', ...headers].join('\r\n')}\r\n\r\n`;

function expectErrorBody(body: string, statusCode: number, code: string): void {
  expect(JSON.parse(body)).toEqual({ statusCode, code, message: expect.any(String), requestId: expect.any(String) });
}

/**
 * The api's limits before work, against two in-process api instances on one MariaDB and Redis
 * (the throttles must hold across processes): slow clients, bodies refused before they are read,
 * oversized bodies answered readably, throttled logins and enqueues.
 */
describe('HTTP limits before work (e2e, two api instances, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let first: TestApp;
  let second: TestApp;
  let token: string;
  const portOf = (app: TestApp) => Number(new URL(app.url!).port);

  beforeAll(async () => {
    environment = createTestEnvironment();
    token = environment.env.ADMIN_TOKEN;
    const env = {
      ...environment.env,
      LOG_LEVEL: 'error',
      HTTP_HEADERS_TIMEOUT_SECONDS: '2',
      HTTP_REQUEST_TIMEOUT_SECONDS: '20',
      HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '4',
      HTTP_MAX_REQUESTS_PER_SOCKET: '3',
      ADMIN_LOGIN_FAILURES_PER_MINUTE: '20',
      TASK_ENQUEUES_PER_MINUTE: '5',
    };
    first = await startTestApp('api', env);
    second = await startTestApp('api', env);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await environment.dispose();
  });

  describe('timeouts', () => {
    it('cuts off a client that sends its headers one byte a second, with a 408', async () => {
      const connection = new RawConnection(portOf(first));
      const slowHeaders = head('GET /api/health HTTP/1.1', [`X-Slow: ${'a'.repeat(60)}`]);
      let sent = 0;
      const closed = connection.closed.then(() => 'closed' as const);

      while (sent < slowHeaders.length && (await Promise.race([closed, sleep(1_000)])) !== 'closed') {
        connection.socket.write(slowHeaders[sent++]);
      }

      await closed;
      expect(sent).toBeLessThan(slowHeaders.length);
      expect(connection.answer.status).toBe(408);
      expectErrorBody(connection.answer.body, 408, 'REQUEST_TIMEOUT');
    });

    it('bounds keep-alive connections in time and in requests', async () => {
      const connection = new RawConnection(portOf(first));
      const heads: string[] = [];
      connection.socket.on('data', (chunk: Buffer) =>
        heads.push(
          ...chunk
            .toString()
            .split('\r\n\r\n')
            .filter((part) => part.startsWith('HTTP/1.1')),
        ),
      );
      for (let i = 1; i <= 3; i++) {
        connection.socket.write(head('GET /api/health HTTP/1.1', []));
        while (heads.length < i) await new Promise((resolve) => connection.socket.once('data', resolve));
      }

      expect(heads[0]).toMatch(/\r\nKeep-Alive: timeout=4, max=3(\r\n|$)/);
      expect(heads[1]).toMatch(/\r\nConnection: keep-alive\r\n/);
      expect(heads[2]).toMatch(/\r\nConnection: close(\r\n|$)/);
      connection.socket.destroy();
    });
  });

  describe('headers', () => {
    it('lets other sites embed the banner images, and nothing else', async () => {
      const image = await fetch(`${first.url}/media/banner/1.png`);
      const api = await fetch(`${first.url}/api/home/banners`);

      expect(image.status).toBe(200);
      expect(image.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(api.headers.get('cross-origin-resource-policy')).toBe('same-origin');
      expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it.each([
      ['the cached route', 'GET /api/home/banners', [], {}],
      ['the cached route, not modified', 'GET /api/home/banners', ['If-None-Match: *'], {}],
      ['the cached route, HEAD', 'HEAD /api/home/banners', [], {}],
      ['a Nest route', 'GET /api/health', [], {}],
      ['an unknown route', 'GET /api/nowhere', [], {}],
      ['an admin route without a token', 'GET /api/admin/banners', [], {}],
      ['the demo page', 'GET /', [], {}],
      ['Swagger UI', 'GET /api/docs', [], {}],
      ['a banner image', 'GET /media/banner/1.png', [], { 'cross-origin-resource-policy': 'cross-origin' }],
      ['the dashboard, refused', 'GET /admin/queues', [], { 'content-security-policy': dashboardContentSecurityPolicy() }],
    ])("gives %s helmet's headers first, as helmet's middleware sets them", async (_, requestLine, headers, overrides) => {
      const helmets = setByHelmet(securityHeaderOptions(first.app.get(AppConfig).banner.mediaBaseUrl));
      const connection = new RawConnection(portOf(first));

      connection.socket.write(head(`${requestLine} HTTP/1.1`, [...headers, 'Connection: close']));
      await connection.closed;

      const { headers: answered } = connection.answer;
      const leading = Object.fromEntries(Object.entries(answered).slice(0, Object.keys(helmets).length));
      expect(leading).toEqual({ ...helmets, ...overrides });
      expect(answered['x-powered-by']).toBeUndefined();
    });

    it('refuses a prototype key in a query string on every route', async () => {
      const home = await fetch(`${first.url}/api/home/banners?__proto__[x]=1`);

      expect(home.status).toBe(400);
      expectErrorBody(await home.text(), 400, 'BAD_REQUEST');
    });
  });

  describe('admin authentication before the body', () => {
    it.each([
      ['no token', [], 401, 'UNAUTHORIZED'],
      ['a wrong token', ['Authorization: Bearer wrong-token-of-some-length'], 403, 'FORBIDDEN'],
    ])('answers %s and a declared 1 MiB body before a byte of the body is sent', async (_, auth, status) => {
      const connection = new RawConnection(portOf(first), '127.0.0.5');

      connection.socket.write(
        head('POST /api/admin/banners HTTP/1.1', [...auth, 'Content-Type: application/json', `Content-Length: ${ONE_MIB}`]),
      );
      await connection.answered;
      connection.socket.destroy();

      expect(connection.answer.status).toBe(status);
      expect(connection.answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });

    it('refuses two Authorization headers with a 400', async () => {
      const connection = new RawConnection(portOf(first));

      connection.socket.write(
        head('GET /api/admin/banners HTTP/1.1', [`Authorization: Bearer ${token}`, `Authorization: Bearer ${token}`, 'Connection: close']),
      );
      await connection.closed;

      expect(connection.answer.status).toBe(400);
      expectErrorBody(connection.answer.body, 400, 'BAD_REQUEST');
    });
  });

  describe('oversized bodies', () => {
    const sendInFull = async (headers: string[], body: Buffer) => {
      const connection = new RawConnection(portOf(first));
      await connection.writeAll(
        head('POST /api/admin/banners HTTP/1.1', [`Authorization: Bearer ${token}`, 'Content-Type: application/json', ...headers]),
      );
      const sent = await connection.writeAll(body);
      const error = await connection.closed;
      return { sent, error, answer: connection.answer };
    };

    it.each([1, 2, 3])('reads the 413 after sending 10 MB in full, by Content-Length (round %i)', async () => {
      const { sent, error, answer } = await sendInFull([`Content-Length: ${TEN_MB}`], Buffer.alloc(TEN_MB, 0x61));

      expect(sent).toBe(TEN_MB);
      expect(error).toBeUndefined();
      expect(answer.status).toBe(413);
      expectErrorBody(answer.body, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('reads the 413 after sending 10 MB in full, chunked', async () => {
      const slice = Buffer.alloc(64 * 1024, 0x61);
      const chunk = Buffer.concat([Buffer.from(`${slice.length.toString(16)}\r\n`), slice, Buffer.from('\r\n')]);
      const body = Buffer.concat([...Array.from({ length: TEN_MB / slice.length }, () => chunk), Buffer.from('0\r\n\r\n')]);

      const { sent, error, answer } = await sendInFull(['Transfer-Encoding: chunked'], body);

      expect(sent).toBe(body.length);
      expect(error).toBeUndefined();
      expect(answer.status).toBe(413);
    });
  });

  describe('throttles', () => {
    const banners = (app: TestApp, from: string, authorization: string) =>
      requestFrom(from, `${app.url}/api/admin/banners`, { headers: { authorization } });

    it('answers 429 with Retry-After after 20 failed logins a minute from one address, counted across api instances', async () => {
      const from = '127.0.0.2';
      const failures = [];
      for (let i = 0; i < 20; i++) failures.push((await banners(i % 2 ? first : second, from, 'Bearer wrong-token-guess')).status);

      const throttled = await banners(first, from, 'Bearer wrong-token-guess');
      const rightToken = await banners(second, from, `Bearer ${token}`);
      const dashboard = await requestFrom(from, `${first.url}/admin/queues`, {
        headers: { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` },
      });
      const otherAddress = await banners(first, '127.0.0.3', `Bearer ${token}`);

      expect(failures).toEqual(Array(20).fill(403));
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(60);
      expectErrorBody(throttled.body, 429, 'TOO_MANY_REQUESTS');
      // Once throttled, a right guess is refused too: the answer must not tell guesses apart.
      expect(rightToken.status).toBe(429);
      expect(dashboard.status).toBe(429);
      expect(otherAddress.status).toBe(200);
    });

    it('counts failed dashboard logins too', async () => {
      const from = '127.0.0.4';
      const statuses = [];
      for (let i = 0; i < 21; i++) {
        const wrong = `Basic ${Buffer.from('admin:wrong-password').toString('base64')}`;
        statuses.push((await requestFrom(from, `${second.url}/admin/queues`, { headers: { authorization: wrong } })).status);
      }

      expect(statuses).toEqual([...Array<number>(20).fill(401), 429]);
    });

    it('never throttles successful logins nor the public endpoint', async () => {
      const from = '127.0.0.6';
      const admin = [];
      const home = [];
      for (let i = 0; i < 30; i++) {
        admin.push((await banners(i % 2 ? first : second, from, `Bearer ${token}`)).status);
        home.push((await requestFrom(from, `${first.url}/api/home/banners`)).status);
      }

      expect(admin).toEqual(Array(30).fill(200));
      expect(home).toEqual(Array(30).fill(200));
    });

    it('answers 429 with Retry-After past TASK_ENQUEUES_PER_MINUTE enqueues, across api instances', async () => {
      const enqueue = (app: TestApp, from = '127.0.0.1') =>
        requestFrom(from, `${app.url}/api/admin/tasks`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'add', args: [1, 2], countdown: 3600 }),
        });
      // An address past the failed-login ceiling: its enqueues are refused before they count.
      const throttledAddress = '127.0.0.7';
      for (let i = 0; i < 21; i++) await banners(first, throttledAddress, 'Bearer wrong-token-guess');
      const refusedLogins = [];
      for (let i = 0; i < 3; i++) refusedLogins.push(await enqueue(i % 2 ? first : second, throttledAddress));
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await enqueue(i % 2 ? first : second)).status);

      const sixth = await enqueue(first);
      const refresh = await requestFrom('127.0.0.1', `${second.url}/api/admin/cache/banners/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });

      expect(refusedLogins.map((answer) => [answer.status, (JSON.parse(answer.body) as { message: string }).message])).toEqual(
        Array(3).fill([429, expect.stringMatching(/^Too many failed logins from this address: try again in \d+ s$/)]),
      );
      expect(statuses).toEqual(Array(5).fill(202));
      expect(sixth.status).toBe(429);
      expect(Number(sixth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expectErrorBody(sixth.body, 429, 'TOO_MANY_REQUESTS');
      expect((JSON.parse(sixth.body) as { message: string }).message).toMatch(
        /^More than 5 tasks enqueued this minute \(TASK_ENQUEUES_PER_MINUTE\): try again in \d+ s$/,
      );
      expect(refresh.status).toBe(429);
    });
  });
});

describe('throttles when the cache Redis is away (e2e, real MariaDB, a throw-away Redis)', () => {
  let environment: TestEnvironment;
  let redis: TestRedisServer;
  let sut: TestApp;

  beforeAll(async () => {
    environment = createTestEnvironment();
    redis = await TestRedisServer.start();
    sut = await startTestApp('api', {
      ...environment.env,
      LOG_LEVEL: 'fatal',
      REDIS_URL: redis.url(0),
      ADMIN_LOGIN_FAILURES_PER_MINUTE: '1',
    });
  });

  afterAll(async () => {
    await sut?.close();
    await redis?.stop();
    await environment.dispose();
  });

  it.each([
    ['stopped', (server: TestRedisServer) => server.stop(), (server: TestRedisServer) => server.resume()],
    ['hung', (server: TestRedisServer) => Promise.resolve(server.pause()), (server: TestRedisServer) => Promise.resolve(server.unpause())],
  ])('lets logins through, unthrottled and unslowed, while it is %s', async (_, takeAway, bringBack) => {
    await takeAway(redis);
    try {
      const admin = await fetch(`${sut.url}/api/admin/banners`, { headers: { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` } });
      const wrong = [];
      for (let i = 0; i < 3; i++) {
        wrong.push((await fetch(`${sut.url}/api/admin/banners`, { headers: { authorization: 'Bearer wrong-token-guess' } })).status);
      }

      expect(admin.status).toBe(200);
      // With the cache Redis up, ADMIN_LOGIN_FAILURES_PER_MINUTE=1 would make the second a 429.
      expect(wrong).toEqual([403, 403, 403]);
    } finally {
      await bringBack(redis);
    }
  });
});
