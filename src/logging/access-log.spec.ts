import { expect } from '@jest/globals';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import pino, { type LevelWithSilent, type LoggerOptions } from 'pino';
import { AccessLog, type AnsweredRequest, logAccess } from './access-log';
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

describe('AccessLog', () => {
  const answered: AnsweredRequest = {
    id: 'trace-1',
    method: 'GET',
    route: '/items/:id',
    remoteAddress: '127.0.0.1',
    url: '/items/7?x=1',
    headers: { authorization: 'Bearer secret-token' },
    statusCode: 200,
    bytes: 12,
    elapsedMs: 1.23456,
  };
  const requests: [string, AnsweredRequest][] = [
    ['an answer', answered],
    ['a socket closed before the answer', { ...answered, remoteAddress: undefined }],
    ['a streamed body', { ...answered, bytes: undefined }],
    ['a 404', { ...answered, statusCode: 404, route: '(unmatched)' }],
    ['a 500', { ...answered, statusCode: 503 }],
    ['an id and a method to escape', { ...answered, id: 'a"b\\c\u2028', method: 'M\u00e9\n' }],
  ];

  /** A logger as the api's, writing its lines into `into`. */
  const apiLogger = (into: string[], options: LoggerOptions = {}) =>
    pino({ base: { pid: 42, role: 'api' }, redact: REDACTED_PATHS, ...options }, { write: (line: string) => void into.push(line) });

  /** The time field, the one part two loggers cannot share. */
  const withoutTime = (lines: string[]) => lines.map((line) => line.replace(/,"time":("[^"]*"|\d+)/, ',"time":0'));

  /** The line pino itself writes for a request, through the logger's generic path. */
  const pinoLines = (requests: AnsweredRequest[], options: LoggerOptions = {}) => {
    const lines: string[] = [];
    const logger = apiLogger(lines, options).child({}, { redact: [] });
    for (const request of requests) {
      const level = request.statusCode >= 500 ? 'error' : request.statusCode >= 400 ? 'warn' : 'info';
      logger[level](
        {
          req: { id: request.id, method: request.method, route: request.route, remoteAddress: request.remoteAddress },
          res: { statusCode: request.statusCode, bytes: request.bytes },
          responseTime: Math.round(request.elapsedMs * 100) / 100,
        },
        'request completed',
      );
    }
    return lines;
  };

  it.each(requests)("writes pino's own line for %s", (_, request) => {
    const lines: string[] = [];
    new AccessLog(apiLogger(lines)).write(request);
    expect(withoutTime(lines)).toEqual(withoutTime(pinoLines([request])));
  });

  it.each([
    ['a level formatter', { formatters: { level: (label: string) => ({ severity: label }) } }],
    ['a serializer of the request', { serializers: { req: () => ({ hidden: true }) } }],
    ['another message key', { messageKey: 'message' }],
    ['a mixin', { mixin: () => ({ mixed: 1 }) }],
  ] as [string, LoggerOptions][])("keeps pino's path for a logger with %s", (_, options) => {
    const lines: string[] = [];
    const sut = new AccessLog(apiLogger(lines, options));
    for (const [, request] of requests) sut.write(request);
    expect(withoutTime(lines)).toEqual(
      withoutTime(
        pinoLines(
          requests.map(([, request]) => request),
          options,
        ),
      ),
    );
  });

  it('builds the line itself below debug, without calling pino', () => {
    const logger = apiLogger([]);
    const makeChild = logger.child.bind(logger);
    const calls: jest.SpiedFunction<pino.LogFn>[] = [];
    jest.spyOn(logger, 'child').mockImplementation((...args) => {
      const made = makeChild(...args);
      calls.push(jest.spyOn(made, 'info'));
      return made;
    });
    new AccessLog(logger).write(answered);
    expect(calls).toHaveLength(1);
    expect(calls[0]).not.toHaveBeenCalled();
  });

  it('writes no line below its level', () => {
    const lines: string[] = [];
    const logger = apiLogger(lines, { level: 'warn' });
    const sut = new AccessLog(logger);
    sut.write(answered);
    sut.write({ ...answered, statusCode: 404 });
    expect(lines.map((line) => (JSON.parse(line) as { level: number }).level)).toEqual([40]);
  });
});
