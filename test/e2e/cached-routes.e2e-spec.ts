import { Controller, Get, Module, UseInterceptors } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { connect } from 'node:net';
import { AppModule } from '../../src/app.module';
import { startHttpApplication } from '../../src/app/http-application';
import { AdminOnly } from '../../src/auth/admin-only.decorator';
import { CacheResponse, type ResponseCachePolicy } from '../../src/cache/cache-response.decorator';
import { CacheModule } from '../../src/cache/cache.module';
import { type CachedHit, CachedRoutes } from '../../src/cache/cached-routes';
import { HttpCacheInterceptor } from '../../src/cache/http-cache.interceptor';
import { AppConfigModule } from '../../src/config/config.module';
import { AccessLog, type AnsweredRequest } from '../../src/logging/access-log';
import { createRootLogger } from '../../src/logging/root-logger';
import { MetricsService } from '../../src/metrics/metrics.service';
import { parseRoles } from '../../src/roles';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const GREETING: ResponseCachePolicy = { key: 'demo_greeting', ttlMs: () => 60_000, clientMaxAgeSeconds: () => 5 };
const SECRET: ResponseCachePolicy = { key: 'demo_secret', ttlMs: () => 60_000, clientMaxAgeSeconds: () => 5 };

/** What the handlers were asked for: a cached answer runs its handler once. */
const calls = { greeting: 0, secret: 0 };

@Controller('demo')
class DemoController {
  /** A new cached endpoint: this one decorated method is all it takes. */
  @Get('greeting')
  @UseInterceptors(HttpCacheInterceptor)
  @CacheResponse(GREETING)
  greeting() {
    calls.greeting += 1;
    return { hello: 'world' };
  }

  /** Behind a guard: Nest must run it, so the interceptor answers this one. */
  @Get('secret')
  @AdminOnly()
  @UseInterceptors(HttpCacheInterceptor)
  @CacheResponse(SECRET)
  secret() {
    calls.secret += 1;
    return { secret: 42 };
  }
}

@Module({ imports: [CacheModule], controllers: [DemoController] })
class DemoModule {}

@Module({})
class DemoRootModule {}

describe('cached routes declared once, on the controller method (e2e, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let app: INestApplication;
  let url: string;
  let intercept: jest.SpyInstance;

  beforeAll(async () => {
    environment = createTestEnvironment();
    const loaded = AppConfigModule.load({ ...environment.env, LOG_LEVEL: 'warn' });
    const roles = parseRoles('api');
    // The application as production composes it, plus the demo controller.
    const logger = createRootLogger(loaded.config, roles);
    const root = { module: DemoRootModule, imports: [AppModule.forRoles(roles, loaded, logger), DemoModule] };
    ({ app, url } = await startHttpApplication(root, loaded, logger, { bufferLogs: true, abortOnError: false }));
    intercept = jest.spyOn(HttpCacheInterceptor.prototype, 'intercept');
  });

  beforeEach(() => {
    intercept.mockClear();
  });

  afterAll(async () => {
    intercept?.mockRestore();
    await app?.close();
    await environment.dispose();
  });

  it('answers a new public cached GET ahead of Nest: MISS, then HIT from the stored bytes, then 304', async () => {
    const miss = await fetch(`${url}/api/demo/greeting`);
    const hit = await fetch(`${url}/api/demo/greeting`);
    const notModified = await fetch(`${url}/api/demo/greeting`, { headers: { 'if-none-match': hit.headers.get('etag')! } });

    expect([miss.status, miss.headers.get('x-cache'), await miss.text()]).toEqual([200, 'MISS', '{"hello":"world"}']);
    expect([hit.status, hit.headers.get('x-cache'), await hit.text()]).toEqual([200, 'HIT', '{"hello":"world"}']);
    expect(hit.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(hit.headers.get('cache-control')).toBe('public, max-age=5, stale-while-revalidate=5, stale-if-error=60');
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(notModified.status).toBe(304);
    expect(await notModified.text()).toBe('');
    expect(calls.greeting).toBe(1);
    expect(intercept).not.toHaveBeenCalled();
  });

  it('answers HEAD on the fast path with the GET headers and no body', async () => {
    const get = await fetch(`${url}/api/demo/greeting`);
    const head = await fetch(`${url}/api/demo/greeting`, { method: 'HEAD' });

    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    for (const name of ['etag', 'cache-control', 'content-type', 'x-cache']) expect(head.headers.get(name)).toBe(get.headers.get(name));
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(await get.text())));
    expect(intercept).not.toHaveBeenCalled();
  });

  it('answers HEAD /api/home/banners the same way', async () => {
    const get = await fetch(`${url}/api/home/banners`);
    const head = await fetch(`${url}/api/home/banners`, { method: 'HEAD' });

    expect([head.status, await head.text()]).toEqual([200, '']);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(head.headers.get('x-cache')).toBe('HIT');
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(await get.text())));
  });

  it('runs a cached route with a guard through Nest and the interceptor: the guard refuses, then the cache answers', async () => {
    const refused = await fetch(`${url}/api/demo/secret`);
    const auth = { authorization: `Bearer ${environment.env.ADMIN_TOKEN}` };
    const miss = await fetch(`${url}/api/demo/secret`, { headers: auth });
    const hit = await fetch(`${url}/api/demo/secret`, { headers: auth });
    const head = await fetch(`${url}/api/demo/secret`, { method: 'HEAD', headers: auth });

    expect(refused.status).toBe(401);
    expect([miss.status, miss.headers.get('x-cache'), await miss.text()]).toEqual([200, 'MISS', '{"secret":42}']);
    expect([hit.status, hit.headers.get('x-cache'), await hit.text()]).toEqual([200, 'HIT', '{"secret":42}']);
    expect([head.status, head.headers.get('x-cache'), await head.text()]).toEqual([200, 'HIT', '']);
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(calls.secret).toBe(1);
    expect(intercept).toHaveBeenCalledTimes(3);
  });

  describe('a hit on the local copy, answered by Node’s HTTP server ahead of Fastify (answerHitsEarly)', () => {
    /** The raw bytes of an answer: status line, headers in order, body. */
    async function rawAnswer(path: string, method = 'GET', headers: Record<string, string> = {}): Promise<string> {
      const { hostname, port } = new URL(url);
      const socket = connect(Number(port), hostname);
      const lines = [`${method} ${path} HTTP/1.1`, `host: ${hostname}:${port}`, 'connection: close', 'x-request-id: same-id'];
      for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
      socket.end(`${lines.join('\r\n')}\r\n\r\n`);
      const chunks: Buffer[] = [];
      for await (const chunk of socket) chunks.push(chunk as Buffer);
      // The one line that differs between two answers a moment apart.
      return Buffer.concat(chunks)
        .toString('latin1')
        .replace(/\r\nDate: [^\r]+/, '');
    }

    let access: jest.SpyInstance<void, [AnsweredRequest]>;
    let metrics: jest.SpyInstance<void, [string, string, number, number]>;

    beforeEach(async () => {
      await fetch(`${url}/api/home/banners`); // the local copy holds the entry
      access = jest.spyOn(AccessLog.prototype, 'write');
      metrics = jest.spyOn(app.get(MetricsService), 'httpRequest');
    });

    afterEach(() => {
      access.mockRestore();
      metrics.mockRestore();
    });

    it('sends the bytes of the full way (a query string takes it): 200, 304 and HEAD', async () => {
      const etag = (await fetch(`${url}/api/home/banners`)).headers.get('etag')!;
      for (const [method, headers] of [
        ['GET', {}],
        ['GET', { 'if-none-match': etag }],
        ['HEAD', {}],
      ] as const) {
        const early = await rawAnswer('/api/home/banners', method, headers);
        const fullWay = await rawAnswer('/api/home/banners?via=fastify', method, headers);

        expect(early).toBe(fullWay);
        expect(early).toMatch(/\r\nx-request-id: same-id\r\nx-cache: HIT\r\n/);
      }
      expect(intercept).not.toHaveBeenCalled();
    });

    it('answers the exact URL early, with the access line and the request metric of the full way', async () => {
      const early = jest.spyOn(app.get(CachedRoutes), 'hitHere');
      await rawAnswer('/api/home/banners');
      await rawAnswer('/api/home/banners?via=fastify');
      expect(early.mock.results.map(({ value }) => (value as CachedHit | undefined)?.outcome.status)).toEqual(['HIT', undefined]);
      early.mockRestore();

      // What the line says but the URL (its query string) and the time taken.
      const said = ({ url: _url, headers: _headers, elapsedMs: _elapsedMs, ...rest }: AnsweredRequest) => rest;
      const [earlyLine, fullWayLine] = access.mock.calls.map(([answered]) => said(answered));
      expect(earlyLine).toEqual(fullWayLine);
      expect(earlyLine).toEqual({
        id: 'same-id',
        method: 'GET',
        route: '/api/home/banners',
        remoteAddress: '127.0.0.1',
        statusCode: 200,
        bytes: 2,
      });
      expect(metrics.mock.calls.map(([method, route, status]) => [method, route, status])).toEqual([
        ['GET', '/api/home/banners', 200],
        ['GET', '/api/home/banners', 200],
      ]);
    });
  });
});
