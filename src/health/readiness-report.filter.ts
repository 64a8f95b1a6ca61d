import { ArgumentsHost, Catch, ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * Readiness answers 503 with terminus's own report (`{ status: 'error', error: { cache_redis: … } }`),
 * which says which dependency failed; the global error filter would replace it with a bare code.
 */
@Catch(ServiceUnavailableException)
export class ReadinessReportFilter implements ExceptionFilter {
  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().status(exception.getStatus()).send(exception.getResponse());
  }
}
