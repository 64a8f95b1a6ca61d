import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import type { Role } from '../roles';
import { MetricsService } from './metrics.service';
import { ReadinessChecks } from './readiness-checks';
import { UnservedMetrics } from './unserved-metrics';

/**
 * Whether `/metrics` is served on the api's public port (behind the admin token): when no
 * METRICS_PORT moves it to a port of its own.
 */
export function metricsOnPublicPort(config: AppConfig): boolean {
  return config.metrics.port === undefined;
}

/** Whether this process serves `/metrics` at all: on the api's public port, or on METRICS_PORT. */
function servesMetrics(roles: ReadonlySet<Role>, config: AppConfig): boolean {
  return roles.has('api') || (roles.size > 0 && !metricsOnPublicPort(config));
}

/**
 * Prometheus metrics. Global, because the cache, the tasks and the beat all report to
 * {@link MetricsService}, and importing it from each of them would tie those modules together.
 * Where a process exposes them: with METRICS_PORT set, every role serves `/metrics` (and its
 * probes, see {@link ReadinessChecks}) on that private port and the api's public port has none;
 * unset, the api serves `/metrics` on its public port behind the admin token
 * ({@link MetricsHttpModule}), and a worker or beat serves none (nor does the CLI, which plays no
 * role): there they are not recorded ({@link UnservedMetrics}).
 * prom-client and the private port's server are required only by a process that serves them.
 */
@Module({})
export class MetricsModule {
  static forRoles(roles: ReadonlySet<Role>, config: AppConfig): DynamicModule {
    const exported = [MetricsService, ReadinessChecks];
    if (!servesMetrics(roles, config)) {
      const providers: Provider[] = [{ provide: MetricsService, useClass: UnservedMetrics }, ReadinessChecks];
      return { module: MetricsModule, global: true, providers, exports: exported };
    }
    const { PrometheusMetrics } = require('./prometheus-metrics') as typeof import('./prometheus-metrics');
    const providers: Provider[] = [PrometheusMetrics, { provide: MetricsService, useExisting: PrometheusMetrics }, ReadinessChecks];
    if (!metricsOnPublicPort(config)) {
      const { MetricsServer } = require('./metrics.server') as typeof import('./metrics.server');
      providers.push(MetricsServer);
    }
    return { module: MetricsModule, global: true, providers, exports: [PrometheusMetrics, ...exported] };
  }
}
