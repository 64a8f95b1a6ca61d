import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { Registry } from 'prom-client';
import { METRICS_PATH } from './metrics-path';
import { PrometheusMetrics } from './prometheus-metrics';

@ApiTags('operations')
@Controller(METRICS_PATH)
@AdminOnly()
export class MetricsController {
  constructor(private readonly metrics: PrometheusMetrics) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({
    summary: 'Prometheus metrics of this process',
    description:
      'Needs the admin Bearer token (Prometheus: `authorization` in the scrape config). ' +
      'With METRICS_PORT set it moves to that private port, without a token, and is not served here.',
  })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'Prometheus text exposition format 0.0.4', schema: { type: 'string' } })
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
