import { parseConfig } from '../config/app-config';
import type { Role } from '../roles';
import { MetricsModule } from './metrics.module';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';

describe('MetricsModule.forRoles', () => {
  const compose = (roles: Role[], env: Record<string, string> = {}) =>
    MetricsModule.forRoles(new Set(roles), parseConfig(env));

  it('never gives the api a METRICS_PORT server: it serves /metrics on its own port', () => {
    const sut = compose(['api', 'worker', 'beat'], { METRICS_PORT: '9464' });

    expect(sut.providers).toEqual([MetricsService]);
    expect(sut.controllers).toBeUndefined();
  });

  it.each<[Role[], unknown[]]>([
    [['worker'], [MetricsService, MetricsServer]],
    [['beat'], [MetricsService, MetricsServer]],
    [['worker', 'beat'], [MetricsService, MetricsServer]],
  ])('serves %j on METRICS_PORT when it is set', (roles, providers) => {
    expect(compose(roles, { METRICS_PORT: '9464' }).providers).toEqual(providers);
  });

  it('serves a worker on no port when METRICS_PORT is unset', () => {
    expect(compose(['worker']).providers).toEqual([MetricsService]);
  });

  it('gives a process with no role (a one-off command) the facade alone, without the broker', () => {
    const sut = compose([], { METRICS_PORT: '9464' });

    expect(sut.providers).toEqual([MetricsService]);
    expect(sut.imports).toBeUndefined();
    expect(sut.exports).toEqual([MetricsService]);
    expect(sut.global).toBe(true);
  });
});
