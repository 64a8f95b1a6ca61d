import { Controller, Get, Headers, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { CacheRedis } from '../cache/cache-redis';
import { AppConfig } from '../config/app-config';
import { TasksService } from '../tasks/tasks.service';
import { ReadinessReportFilter } from './readiness-report.filter';
import { readinessView } from '../metrics/readiness-view';

/** Each dependency gets this long to answer before readiness reports it down. */
const CHECK_TIMEOUT_MS = 1_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly cacheRedis: CacheRedis,
    private readonly tasks: TasksService,
    private readonly config: AppConfig,
  ) {}

  /** Liveness: the process answers. Touches no dependency, so it stays cheap. */
  @Get()
  @ApiOkResponse({
    description: 'The process answers',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } }, required: ['status'] },
  })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Readiness: MySQL, the cache Redis and the queue Redis each answer (else 503). With the admin
   * Bearer token the answer names each dependency and what failed; without, only the status.
   */
  @Get('ready')
  @HealthCheck()
  @UseFilters(ReadinessReportFilter)
  async ready(@Headers('authorization') authorization?: string) {
    const report = await this.health.check([
      () => this.database.pingCheck('mysql', { timeout: CHECK_TIMEOUT_MS }),
      () =>
        this.indicator
          .check('cache_redis')
          .attempt(() => this.cacheRedis.ping())
          .withTimeout(CHECK_TIMEOUT_MS),
      () =>
        this.indicator
          .check('queue_redis')
          .attempt(() => this.tasks.pingBroker())
          .withTimeout(CHECK_TIMEOUT_MS),
    ]);
    return readinessView(report, authorization, this.config.admin.token);
  }
}
