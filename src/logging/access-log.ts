import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import type { Level, Logger } from 'pino';
import { routeLabel } from '../metrics/http-metrics';

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

/**
 * Writes one structured line per answered request; request headers are added only at debug, where
 * the root logger's redaction hides `authorization` and `cookie`. It replaces pino-http, which
 * serialized and redacted every request's and response's headers: a quarter of the CPU time of a
 * cached answer (BENCHMARKS.md).
 */
export class AccessLog {
  private readonly verbose: boolean;
  private readonly lines: Logger;

  constructor(logger: Logger) {
    this.verbose = logger.isLevelEnabled('debug');
    // Below debug the line holds no header, so the root logger's redaction would search it for
    // nothing on every request.
    this.lines = this.verbose ? logger : logger.child({}, { redact: [] });
  }

  write(answered: AnsweredRequest): void {
    const line: AccessLogLine = {
      req: {
        id: answered.id,
        method: answered.method,
        route: answered.route,
        remoteAddress: answered.remoteAddress,
        ...(this.verbose ? { url: answered.url, headers: answered.headers } : {}),
      },
      res: { statusCode: answered.statusCode, bytes: answered.bytes },
      responseTime: Math.round(answered.elapsedMs * 100) / 100,
    };
    this.lines[levelOf(answered.statusCode)](line, 'request completed');
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
