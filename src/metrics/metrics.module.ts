import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import type { Role } from '../roles';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';

/**
 * Prometheus metrics. Global, because the cache, the tasks and the beat all report to
 * {@link MetricsService}, and importing it from each of them would tie those modules together.
 * What a process exposes follows what it does: the api serves `/metrics` on its own port
 * ({@link MetricsHttpModule}); a worker or beat serves it on `METRICS_PORT` when set, and on no
 * port otherwise (nor does the CLI, which plays no role).
 */
@Module({})
export class MetricsModule {
  static forRoles(roles: ReadonlySet<Role>, config: AppConfig): DynamicModule {
    const providers: Provider[] = [MetricsService];
    const background = roles.has('worker') || roles.has('beat');
    if (background && !roles.has('api') && config.metrics.port !== undefined) providers.push(MetricsServer);
    return { module: MetricsModule, global: true, providers, exports: [MetricsService] };
  }
}
