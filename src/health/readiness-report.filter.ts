import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { readinessView, type ReadinessStatus } from '../metrics/readiness-view';

/**
 * Readiness answers 503 with terminus's own report (`{ status: 'error', error: { cache_redis: … } }`),
 * which says which dependency failed, to the admin token; the global error filter would replace it
 * with a bare code. Anyone else gets the status alone.
 */
@Catch(ServiceUnavailableException)
@Injectable()
export class ReadinessReportFilter implements ExceptionFilter {
  constructor(private readonly config: AppConfig) {}

  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const report = exception.getResponse() as ReadinessStatus;
    const view = readinessView(report, http.getRequest<FastifyRequest>().headers.authorization, this.config.admin.token);
    void http.getResponse<FastifyReply>().status(exception.getStatus()).send(view);
  }
}
