import { parseConfig } from '../config/app-config';
import type { Role } from '../roles';
import { MetricsModule, metricsOnPublicPort } from './metrics.module';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { ReadinessChecks } from './readiness-checks';

describe('MetricsModule.forRoles', () => {
  const compose = (roles: Role[], env: Record<string, string> = {}) => MetricsModule.forRoles(new Set(roles), parseConfig(env));

  it('serves no port of its own when METRICS_PORT is unset: the api serves /metrics on its public port', () => {
    const sut = compose(['api', 'worker', 'beat']);

    expect(sut.providers).toEqual([MetricsService, ReadinessChecks]);
    expect(sut.controllers).toBeUndefined();
    expect(metricsOnPublicPort(parseConfig({}))).toBe(true);
  });

  it.each<[Role[]]>([[['api']], [['api', 'worker', 'beat']], [['worker']], [['beat']], [['worker', 'beat']]])(
    'serves %j on METRICS_PORT when it is set, and nothing on the public port',
    (roles) => {
      const sut = compose(roles, { METRICS_PORT: '9464' });

      expect(sut.providers).toEqual([MetricsService, ReadinessChecks, MetricsServer]);
      expect(sut.controllers).toBeUndefined();
      expect(metricsOnPublicPort(parseConfig({ METRICS_PORT: '9464' }))).toBe(false);
    },
  );

  it('serves a worker on no port when METRICS_PORT is unset', () => {
    expect(compose(['worker']).providers).toEqual([MetricsService, ReadinessChecks]);
  });

  it('gives a process with no role (a one-off command) the facade alone, on no port', () => {
    const sut = compose([], { METRICS_PORT: '9464' });

    expect(sut.providers).toEqual([MetricsService, ReadinessChecks]);
    expect(sut.imports).toBeUndefined();
    expect(sut.exports).toEqual([MetricsService, ReadinessChecks]);
    expect(sut.global).toBe(true);
  });
});
