import { expect } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import type { CachedHit, CachedRoutes } from '../cache/cached-routes';
import type { AccessLog } from '../logging/access-log';
import type { MetricsService } from '../metrics/metrics.service';
import { answerHitsEarly } from './early-hits';
import { type EarlyAnswer, httpServerFactory } from './http-server';

const HIT: CachedHit = {
  outcome: { entry: { body: '["cached"]', etag: '"abc"' }, status: 'HIT' },
  cacheControl: 'public, max-age=5',
};

/** Sends a request and answers its status, headers and body. */
function send(url: string, options: { method?: string; body?: string } = {}) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
    const headers = options.body === undefined ? {} : { 'content-length': Buffer.byteLength(options.body) };
    const sent = httpRequest(url, { method: options.method ?? 'GET', headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
    });
    sent.on('error', reject);
    sent.end(options.body);
  });
}

describe('answerHitsEarly', () => {
  let fastify: FastifyInstance;
  let early: { answer?: EarlyAnswer };
  let url: string;
  const writes = jest.fn();
  const observed = jest.fn();

  beforeEach(async () => {
    early = {};
    fastify = Fastify({ serverFactory: httpServerFactory(early), keepAliveTimeout: 1_234, maxRequestsPerSocket: 7 });
    fastify.all('/cached', (_request, reply) => reply.header('x-way', 'fastify').send('full way'));
    const routes = { hitHere: (path: string) => (path === '/cached' ? HIT : undefined) } as CachedRoutes;
    early.answer = answerHitsEarly(fastify, {
      routes,
      securityHeaders: { 'x-frame-options': 'DENY' },
      access: { write: writes } as unknown as AccessLog,
      metrics: { httpRequest: observed } as unknown as MetricsService,
    });
    url = `${await fastify.listen({ port: 0, host: '127.0.0.1' })}/cached`;
    writes.mockClear();
    observed.mockClear();
  });

  afterEach(() => fastify.close());

  it('answers a hit with the security headers, the request id, the cached headers and the body, then logs and measures it', async () => {
    const answer = await send(url);

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('["cached"]');
    expect(Object.keys(answer.headers).slice(0, 7)).toEqual([
      'x-frame-options',
      'x-request-id',
      'x-cache',
      'etag',
      'cache-control',
      'content-type',
      'content-length',
    ]);
    expect(answer.headers['content-length']).toBe('10');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveBeenCalledWith(
      expect.objectContaining({ method: 'GET', route: '/cached', statusCode: 200, bytes: 10, id: answer.headers['x-request-id'] }),
    );
    expect(observed).toHaveBeenCalledWith('GET', '/cached', 200, expect.any(Number));
  });

  it('answers HEAD with the length of the body it leaves out', async () => {
    const answer = await send(url, { method: 'HEAD' });

    expect([answer.status, answer.headers['content-length'], answer.body]).toEqual([200, '10', '']);
    expect(answer.headers['x-way']).toBeUndefined();
  });

  it('leaves to Fastify a query string, another method, a body, and a miss', async () => {
    const ways = await Promise.all([
      send(`${url}?page=2`),
      send(url, { method: 'POST' }),
      send(url, { method: 'GET', body: 'x' }),
      send(url.replace('/cached', '/other')),
    ]);

    expect(ways.map((answer) => answer.headers['x-way'] ?? answer.status)).toEqual(['fastify', 'fastify', 'fastify', 404]);
    expect(writes).not.toHaveBeenCalled();
  });

  it('answers nothing once the application closes, so that Fastify answers 503', async () => {
    await fastify.close();
    const request = { method: 'GET', url: '/cached', headers: {}, socket: {} } as IncomingMessage;

    expect(early.answer!(request, {} as ServerResponse)).toBe(false);
  });

  it('gives the server the limits Fastify gives one it creates', () => {
    expect([fastify.server.keepAliveTimeout, fastify.server.maxRequestsPerSocket]).toEqual([1_234, 7]);
  });
});
