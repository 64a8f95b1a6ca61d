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
 * Where a process exposes them: with METRICS_PORT set, every role serves `/metrics` (and its
 * probes) on that private port and the api's public port has none; unset, the api serves
 * `/metrics` on its public port behind the admin token, and a worker or beat serves none (nor
 * does the CLI, which plays no role). The api and the worker count the queues' jobs on each scrape.
 */
@Module({})
export class MetricsModule {
  static forRoles(roles: ReadonlySet<Role>, config: AppConfig): DynamicModule {
    const countsQueues = roles.has('api') || roles.has('worker');
    const ownPort = roles.size > 0 && !metricsOnPublicPort(config);
    const providers: Provider[] = [MetricsService];
    if (countsQueues) providers.push(QueueDepthCollector);
    if (ownPort) providers.push(MetricsServer);
    return {
      module: MetricsModule,
      global: true,
      // For the queue counts and the broker probe: with no role (a one-off command) the facade needs no broker.
      imports: countsQueues || ownPort ? [TasksModule] : [],
      controllers: roles.has('api') && !ownPort ? [MetricsController] : [],
      providers,
      exports: [MetricsService],
    };
  }
}
