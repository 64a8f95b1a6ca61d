import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import type { Level, Logger } from 'pino';
import { routeLabel } from '../metrics/http-metrics';
import { NameJson, PinoLines } from './pino-lines';

/** The fields of an access log line; `url` and `headers` only at LOG_LEVEL=debug. */
export interface AccessLogLine {
  readonly req: {
    readonly id: string;
    readonly method: string;
    /** The route template (`/api/admin/tasks/:id`), `(unmatched)` for an unknown URL. */
    readonly route: string;
    /** Undefined only for a socket already closed as the request arrived. */
    readonly remoteAddress: string | undefined;
    readonly url?: string;
    readonly headers?: FastifyRequest['headers'];
  };
  /** `bytes`: the body's Content-Length, absent when it is streamed without one. */
  readonly res: { readonly statusCode: number; readonly bytes?: number };
  /** Milliseconds from the request's arrival to the end of the response. */
  readonly responseTime: number;
}

function levelOf(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

function bodyBytes(reply: FastifyReply): number | undefined {
  const length = reply.getHeader('content-length');
  return length === undefined ? undefined : Number(length);
}

/** What the access line says of an answered request, however it was answered. */
export interface AnsweredRequest {
  readonly id: string;
  readonly method: string;
  readonly route: string;
  readonly remoteAddress: string | undefined;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly statusCode: number;
  readonly bytes: number | undefined;
  /** Milliseconds from the request's arrival to the end of the response. */
  readonly elapsedMs: number;
}

const MESSAGE = 'request completed';

/** The line's `responseTime`: milliseconds to two decimals. */
const responseTime = (elapsedMs: number) => Math.round(elapsedMs * 100) / 100;

/** The access line's fields; `url` and `headers` only when `verbose`. */
function accessLine(answered: AnsweredRequest, verbose: boolean): AccessLogLine {
  return {
    req: {
      id: answered.id,
      method: answered.method,
      route: answered.route,
      remoteAddress: answered.remoteAddress,
      ...(verbose ? { url: answered.url, headers: answered.headers } : {}),
    },
    res: { statusCode: answered.statusCode, bytes: answered.bytes },
    responseTime: responseTime(answered.elapsedMs),
  };
}

/**
 * The JSON of {@link accessLine}'s fields below debug, as pino writes them: an undefined field left
 * out. Methods and routes are a few (a route is a template, or one label for every unknown URL).
 */
function accessLineJson(answered: AnsweredRequest, names: NameJson): string {
  const { remoteAddress, bytes } = answered;
  return (
    `"req":{"id":${JSON.stringify(answered.id)},"method":${names.of(answered.method)},"route":${names.of(answered.route)}` +
    `${remoteAddress === undefined ? '' : `,"remoteAddress":${JSON.stringify(remoteAddress)}`}},` +
    `"res":{"statusCode":${answered.statusCode}${bytes === undefined ? '' : `,"bytes":${bytes}`}},` +
    `"responseTime":${responseTime(answered.elapsedMs)}`
  );
}

const SAMPLE: AnsweredRequest = {
  id: 'f47ac10b-58cc-4372-a567-0e02b2c3d479',
  method: 'GET',
  route: '/api/home/banners',
  remoteAddress: '127.0.0.1',
  url: '/api/home/banners',
  headers: {},
  statusCode: 200,
  bytes: 2,
  elapsedMs: 0.5,
};

/**
 * Writes one structured line per answered request; request headers are added only at debug, where
 * the root logger's redaction hides `authorization` and `cookie`. It replaces pino-http, which
 * serialized and redacted every request's and response's headers: a quarter of the CPU time of a
 * cached answer (BENCHMARKS.md). Below debug the line is built by {@link PinoLines}, byte for byte
 * pino's: pino's generic path was 3 % of a cached hit's CPU time in a profile.
 */
export class AccessLog {
  private readonly verbose: boolean;
  private readonly logger: Logger;
  /** Below debug, where the logger writes what pino would. */
  private readonly lines?: PinoLines;
  private readonly names = new NameJson();

  constructor(logger: Logger) {
    this.verbose = logger.isLevelEnabled('debug');
    // Below debug the line holds no header, so the root logger's redaction would search it for
    // nothing on every request.
    this.logger = this.verbose ? logger : logger.child({}, { redact: [] });
    if (this.verbose) return;
    const lines = new PinoLines(this.logger, {
      level: this.logger.levels.values.info,
      fields: accessLine(SAMPLE, false),
      fieldsJson: accessLineJson(SAMPLE, this.names),
      message: MESSAGE,
    });
    if (lines.own) this.lines = lines;
  }

  write(answered: AnsweredRequest): void {
    const level = levelOf(answered.statusCode);
    if (!this.lines) return this.logger[level](accessLine(answered, this.verbose), MESSAGE);
    const value = this.logger.levels.values[level];
    if (this.lines.enabled(value)) this.lines.write(value, accessLineJson(answered, this.names), MESSAGE);
  }
}

/**
 * The access line of every request Fastify answers, written when the response is done (see
 * {@link AccessLog}).
 *
 * Every other line logged while a request is handled carries its id (`reqId`), through the
 * request context of nestjs-pino.
 */
export function logAccess(fastify: FastifyInstance, access: AccessLog, context: PinoLogger): void {
  fastify.addHook('onRequest', (request, _reply, done) => context.runInContext(done, { bindings: { reqId: request.id } }));
  fastify.addHook('onResponse', (request, reply, done) => {
    access.write({
      id: String(request.id),
      method: request.method,
      route: routeLabel(request),
      remoteAddress: request.ip,
      url: request.url,
      headers: request.headers,
      statusCode: reply.statusCode,
      bytes: bodyBytes(reply),
      elapsedMs: reply.elapsedTime,
    });
    done();
  });
}
