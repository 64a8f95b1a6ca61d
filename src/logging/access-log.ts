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
    readonly remoteAddress: string;
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

/**
 * One structured line per answered request, written when the response is done; request headers
 * are added only at debug, where the root logger's redaction hides `authorization` and `cookie`.
 * It replaces pino-http, which serialized and redacted every request's and response's headers:
 * a quarter of the CPU time of a cached answer (BENCHMARKS.md).
 *
 * Every other line logged while a request is handled carries its id (`reqId`), through the
 * request context of nestjs-pino.
 */
export function logAccess(fastify: FastifyInstance, logger: Logger, context: PinoLogger): void {
  const verbose = logger.isLevelEnabled('debug');
  // Below debug the line holds no header, so the root logger's redaction would search it for
  // nothing on every request.
  const lines = verbose ? logger : logger.child({}, { redact: [] });
  fastify.addHook('onRequest', (request, _reply, done) => context.runInContext(done, { bindings: { reqId: request.id } }));
  fastify.addHook('onResponse', (request, reply, done) => {
    const line: AccessLogLine = {
      req: {
        id: String(request.id),
        method: request.method,
        route: routeLabel(request),
        remoteAddress: request.ip,
        ...(verbose ? { url: request.url, headers: request.headers } : {}),
      },
      res: { statusCode: reply.statusCode, bytes: bodyBytes(reply) },
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    lines[levelOf(reply.statusCode)](line, 'request completed');
    done();
  });
}
