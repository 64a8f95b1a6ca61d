import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import type { Role } from '../roles';
import { TasksModule } from '../tasks/tasks.module';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { QueueDepthCollector } from './queue-depth.collector';

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
 * What a process exposes follows what it does: the api serves `/metrics` on its own port; a
 * worker or beat serves it on `METRICS_PORT` when set, and on no port otherwise (nor does the
 * CLI, which plays no role). The api and the worker count the queues' jobs on each scrape.
 */
@Module({})
export class MetricsModule {
  static forRoles(roles: ReadonlySet<Role>, config: AppConfig): DynamicModule {
    const countsQueues = roles.has('api') || roles.has('worker');
    const providers: Provider[] = [MetricsService];
    if (countsQueues) providers.push(QueueDepthCollector);
    const background = roles.has('worker') || roles.has('beat');
    if (background && !roles.has('api') && config.metrics.port !== undefined) providers.push(MetricsServer);
    return {
      module: MetricsModule,
      global: true,
      // Only for the queue counts: with no role (a one-off command) the facade needs no broker.
      imports: countsQueues ? [TasksModule] : [],
      controllers: roles.has('api') ? [MetricsController] : [],
      providers,
      exports: [MetricsService],
    };
  }
}
