import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from '../common/error-body.response';

/**
 * Answers 429 with `Retry-After` and the JSON error body, from a Fastify hook (before Nest, so the
 * global filter is not there to build it).
 */
export function sendTooManyRequests(
  request: FastifyRequest,
  reply: FastifyReply,
  retryAfterSeconds: number,
  message: string,
): FastifyReply {
  const body: ErrorBody = { statusCode: 429, code: 'TOO_MANY_REQUESTS', message, requestId: String(request.id) };
  return reply
    .code(429)
    .header('retry-after', String(Math.max(1, retryAfterSeconds)))
    .send(body);
}
