import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type AppErrorKind } from './app-error';
import type { ErrorBody } from './error-body.response';

const STATUS_BY_KIND: Record<AppErrorKind, HttpStatus> = {
  invalid: HttpStatus.BAD_REQUEST,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

/**
 * Turns every error into a JSON answer: {@link AppError} by its kind, Nest's HTTP exceptions by
 * their status, anything else into a 500 that is logged with the request id and shows no internals.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.toBody(error, String(request.id));
    void reply.status(body.statusCode).send(body);
  }

  private toBody(error: unknown, requestId: string): ErrorBody {
    if (error instanceof AppError) {
      const { code, message, details } = error;
      return { statusCode: STATUS_BY_KIND[error.kind], code, message, details, requestId };
    }
    if (error instanceof HttpException) {
      const statusCode = error.getStatus();
      const response = error.getResponse();
      const message =
        typeof response === 'object' && response !== null && 'message' in response
          ? (response as { message: unknown }).message
          : error.message;
      return Array.isArray(message)
        ? { statusCode, code: 'VALIDATION_FAILED', message: 'The request is not valid', details: message, requestId }
        : { statusCode, code: codeForStatus(statusCode), message: String(message), requestId };
    }
    this.logger.error({ err: error, requestId }, 'Unhandled error');
    return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error', requestId };
  }
}

function codeForStatus(status: number): string {
  return (HttpStatus[status] ?? 'HTTP_ERROR').toString();
}
