import { parseConfig } from '../config/app-config';
import type { Role } from '../roles';
import { TasksModule } from '../tasks/tasks.module';
import { MetricsController } from './metrics.controller';
import { MetricsModule } from './metrics.module';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { QueueDepthCollector } from './queue-depth.collector';

describe('MetricsModule.forRoles', () => {
  const compose = (roles: Role[], env: Record<string, string> = {}) =>
    MetricsModule.forRoles(new Set(roles), parseConfig(env));

  it('gives the api /metrics on its public port and the queue counts when METRICS_PORT is unset', () => {
    const sut = compose(['api', 'worker', 'beat']);

    expect(sut.controllers).toEqual([MetricsController]);
    expect(sut.providers).toEqual([MetricsService, QueueDepthCollector]);
    expect(sut.imports).toEqual([TasksModule]);
  });

  it.each<[Role[], unknown[]]>([
    [['api'], [MetricsService, QueueDepthCollector, MetricsServer]],
    [['api', 'worker', 'beat'], [MetricsService, QueueDepthCollector, MetricsServer]],
    [['worker'], [MetricsService, QueueDepthCollector, MetricsServer]],
    [['beat'], [MetricsService, MetricsServer]],
    [['worker', 'beat'], [MetricsService, QueueDepthCollector, MetricsServer]],
  ])('serves %j on METRICS_PORT when it is set, and nothing on the public port', (roles, providers) => {
    const sut = compose(roles, { METRICS_PORT: '9464' });

    expect(sut.controllers).toEqual([]);
    expect(sut.providers).toEqual(providers);
    expect(sut.imports).toEqual([TasksModule]);
  });

  it('serves a worker on no port when METRICS_PORT is unset', () => {
    expect(compose(['worker']).providers).toEqual([MetricsService, QueueDepthCollector]);
  });

  it('gives a process with no role (a one-off command) the facade alone, without the broker', () => {
    const sut = compose([], { METRICS_PORT: '9464' });

    expect(sut.providers).toEqual([MetricsService]);
    expect(sut.imports).toEqual([]);
    expect(sut.exports).toEqual([MetricsService]);
    expect(sut.global).toBe(true);
  });
});
