import { parseConfig } from '../config/app-config';
import type { Role } from '../roles';
import { MetricsModule, metricsOnPublicPort } from './metrics.module';
import { MetricsServer } from './metrics.server';
import { MetricsService } from './metrics.service';
import { PrometheusMetrics } from './prometheus-metrics';
import { ReadinessChecks } from './readiness-checks';
import { UnservedMetrics } from './unserved-metrics';

describe('MetricsModule.forRoles', () => {
  const compose = (roles: Role[], env: Record<string, string> = {}) => MetricsModule.forRoles(new Set(roles), parseConfig(env));
  const prometheus = [PrometheusMetrics, { provide: MetricsService, useExisting: PrometheusMetrics }, ReadinessChecks];
  const unserved = [{ provide: MetricsService, useClass: UnservedMetrics }, ReadinessChecks];

  it('serves no port of its own when METRICS_PORT is unset: the api serves /metrics on its public port', () => {
    const sut = compose(['api', 'worker', 'beat']);

    expect(sut.providers).toEqual(prometheus);
    expect(sut.exports).toEqual([PrometheusMetrics, MetricsService, ReadinessChecks]);
    expect(sut.controllers).toBeUndefined();
    expect(metricsOnPublicPort(parseConfig({}))).toBe(true);
  });

  it.each<[Role[]]>([[['api']], [['api', 'worker', 'beat']], [['worker']], [['beat']], [['worker', 'beat']]])(
    'serves %j on METRICS_PORT when it is set, and nothing on the public port',
    (roles) => {
      const sut = compose(roles, { METRICS_PORT: '9464' });

      expect(sut.providers).toEqual([...prometheus, MetricsServer]);
      expect(sut.controllers).toBeUndefined();
      expect(metricsOnPublicPort(parseConfig({ METRICS_PORT: '9464' }))).toBe(false);
    },
  );

  it.each<[Role[]]>([[['worker']], [['beat']], [['worker', 'beat']]])(
    'records nothing for %j when METRICS_PORT is unset: it serves the metrics nowhere',
    (roles) => {
      const sut = compose(roles);

      expect(sut.providers).toEqual(unserved);
      expect(sut.exports).toEqual([MetricsService, ReadinessChecks]);
    },
  );

  it('gives a process with no role (a one-off command) the facade alone, recording nothing, on no port', () => {
    const sut = compose([], { METRICS_PORT: '9464' });

    expect(sut.providers).toEqual(unserved);
    expect(sut.imports).toBeUndefined();
    expect(sut.exports).toEqual([MetricsService, ReadinessChecks]);
    expect(sut.global).toBe(true);
  });
});
