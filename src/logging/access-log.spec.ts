import { expect } from '@jest/globals';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import pino, { type LevelWithSilent } from 'pino';
import { AccessLog, logAccess } from './access-log';
import { genRequestId } from './request-id';
import { REDACTED_PATHS } from './root-logger';

describe('logAccess', () => {
  let lines: Record<string, unknown>[] = [];
  let sut: FastifyInstance;
  // One stream for every test: nestjs-pino keeps the first root logger of the process.
  const output = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      callback();
    },
  });

  const start = async (level: LevelWithSilent) => {
    lines = [];
    const logger = pino({ level, base: undefined, redact: REDACTED_PATHS }, output);
    const context = new PinoLogger({ pinoHttp: { logger } });
    sut = Fastify({ genReqId: genRequestId });
    logAccess(sut, new AccessLog(logger), context);
    sut.get('/items/:id', async () => {
      context.warn('inside the handler');
      return { ok: true };
    });
    await sut.ready();
  };

  const get = (url: string) =>
    sut.inject({ method: 'GET', url, headers: { 'x-request-id': 'trace-1', authorization: 'Bearer secret-token', cookie: 'session=s' } });

  const accessLines = () => lines.filter((line) => line.msg === 'request completed');

  afterEach(() => sut.close());

  it('writes one line per request at info: method, route, status, bytes, duration, request id and remote address', async () => {
    await start('info');

    const response = await get('/items/7?x=1');

    expect(accessLines()).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        msg: 'request completed',
        req: { id: 'trace-1', method: 'GET', route: '/items/:id', remoteAddress: '127.0.0.1' },
        res: { statusCode: 200, bytes: Buffer.byteLength(response.body) },
        responseTime: expect.any(Number),
      },
    ]);
  });

  it('adds the URL and the request headers at debug, with the secrets redacted', async () => {
    await start('debug');

    await get('/items/7?x=1');

    const [line] = accessLines() as { req: Record<string, unknown> }[];
    expect(line.req).toEqual({
      id: 'trace-1',
      method: 'GET',
      route: '/items/:id',
      remoteAddress: '127.0.0.1',
      url: '/items/7?x=1',
      headers: expect.objectContaining({ 'x-request-id': 'trace-1', authorization: '[Redacted]', cookie: '[Redacted]' }),
    });
  });

  it('logs a 4xx as a warning under one route label for every unknown URL', async () => {
    await start('info');

    await get('/nowhere/1');

    expect(accessLines()).toEqual([
      expect.objectContaining({
        level: 40,
        req: expect.objectContaining({ route: '(unmatched)' }),
        res: expect.objectContaining({ statusCode: 404 }),
      }),
    ]);
  });

  it('tags the lines logged while a request is handled with its id', async () => {
    await start('info');

    await get('/items/7');

    expect(lines.find((line) => line.msg === 'inside the handler')).toMatchObject({ reqId: 'trace-1' });
  });
});
