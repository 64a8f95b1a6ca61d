import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import type { Role } from '../roles';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { ReadinessChecks } from './readiness-checks';

/**
 * Whether `/metrics` is served on the api's public port (behind the admin token): when no
 * METRICS_PORT moves it to a port of its own.
 */
export function metricsOnPublicPort(config: AppConfig): boolean {
  return config.metrics.port === undefined;
}

/**
 * Prometheus metrics. Global, because the cache, the tasks and the beat all report to
 * {@link MetricsService}, and importing it from each of them would tie those modules together.
 * Where a process exposes them: with METRICS_PORT set, every role serves `/metrics` (and its
 * probes, see {@link ReadinessChecks}) on that private port and the api's public port has none;
 * unset, the api serves `/metrics` on its public port behind the admin token
 * ({@link MetricsHttpModule}), and a worker or beat serves none (nor does the CLI, which plays no role).
 */
@Module({})
export class MetricsModule {
  static forRoles(roles: ReadonlySet<Role>, config: AppConfig): DynamicModule {
    const providers: Provider[] = [MetricsService, ReadinessChecks];
    if (roles.size > 0 && !metricsOnPublicPort(config)) providers.push(MetricsServer);
    return { module: MetricsModule, global: true, providers, exports: [MetricsService, ReadinessChecks] };
  }
}
