import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type AppErrorKind } from './app-error';
import type { ErrorBody } from './error-body.response';

const STATUS_BY_KIND: Record<AppErrorKind, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * An error Fastify marks as the client's with a 4xx `statusCode`: its own FastifyErrors (a
 * malformed URL, a body over the limit) and a request body the client aborted.
 */
interface ClientError extends Error {
  readonly statusCode: number;
}

function isClientError(error: unknown): error is ClientError {
  if (!(error instanceof Error)) return false;
  const { statusCode } = error as Partial<ClientError>;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500;
}

/**
 * Turns every error into a JSON answer: {@link AppError} by its kind, Nest's HTTP exceptions and
 * Fastify's 4xx errors by their status, anything else into a 500 that is logged with the request
 * id and shows no internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /**
   * Also Fastify's `frameworkErrors`: its router refuses a malformed URL before Nest sees the
   * request, and would otherwise answer in its own shape.
   */
  answer(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
    const body = this.toBody(error, String(request.id));
    void reply.status(body.statusCode).send(body);
  }

  private toBody(error: unknown, requestId: string): ErrorBody {
    if (error instanceof AppError) {
      const { code, message, details } = error;
      return { statusCode: STATUS_BY_KIND[error.kind], code, message, details, requestId };
    }
    if (isClientError(error)) {
      return { statusCode: error.statusCode, code: codeForStatus(error.statusCode), message: error.message, requestId };
    }
    if (error instanceof HttpException) {
      const statusCode = error.getStatus();
      const response = error.getResponse();
      const message = typeof response === 'object' && response !== null && 'message' in response ? response.message : error.message;
      return Array.isArray(message)
        ? { statusCode, code: 'VALIDATION_FAILED', message: 'The request is not valid', details: message, requestId }
        : { statusCode, code: codeForStatus(statusCode), message: String(message), requestId };
    }
    this.logger.error({ err: error, requestId }, 'Unhandled error');
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', requestId };
  }
}

/**
 * Fastify's `clientErrorHandler`: a request that Node's HTTP parser refuses (a control character
 * in a header, a malformed request line, headers over 16 KiB) never becomes a request, so no
 * filter sees it. It still gets the JSON error body, under a new request id, and the connection is
 * closed, as Node does.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const statusCode = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : error.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const body: ErrorBody = {
    statusCode,
    code: codeForStatus(statusCode),
    message: statusCode === 400 ? 'The request is not valid HTTP' : String(STATUS_CODES[statusCode]),
    requestId: randomUUID(),
  };
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nConnection: close\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

/** Nest's name for the status, else Node's reason phrase in the same form (431 has no Nest name). */
function codeForStatus(status: number): string {
  return HttpStatus[status] ?? STATUS_CODES[status]?.toUpperCase().replace(/\W+/g, '_') ?? 'HTTP_ERROR';
}
