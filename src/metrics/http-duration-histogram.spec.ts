import { Histogram, type Metric, Registry } from 'prom-client';
import { HttpDurationHistogram } from './http-duration-histogram';

type Observation = [method: string, route: string, statusCode: number, seconds: number];

const NAME = 'http_request_duration_seconds';
const HELP = 'HTTP requests served';

/** Interleaved series, values on bucket bounds, past the last bound, zero, and a route that needs escaping. */
const OBSERVATIONS: Observation[] = [
  ['GET', '/api/home/banners', 200, 0.0002],
  ['POST', '/api/admin/tasks', 202, 0.005],
  ['GET', '/api/home/banners', 304, 0.0051],
  ['GET', '/api/home/banners', 200, 0.01],
  ['HEAD', '/api/home/banners', 200, 0],
  ['POST', '/api/admin/tasks', 202, 12.5],
  ['GET', '/api/admin/tasks/:id', 404, 0.3],
  ['GET', '/api/home/banners', 200, 10],
  ['GET', 'a "quoted" \\ route\nwith a newline', 400, 0.07],
  ['POST', '/api/admin/tasks', 400, 2.5],
  ['GET', '/api/home/banners', 200, 0.1234567],
];

async function promClientText(observations: Observation[]): Promise<string> {
  const registry = new Registry();
  const histogram = new Histogram({
    name: NAME,
    help: HELP,
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [registry],
  });
  for (const [method, route, status_code, seconds] of observations) histogram.observe({ method, route, status_code }, seconds);
  return registry.metrics();
}

function tallied(): { registry: Registry; histogram: HttpDurationHistogram } {
  const registry = new Registry();
  const histogram = new HttpDurationHistogram(NAME, HELP);
  registry.registerMetric(histogram as unknown as Metric);
  return { registry, histogram };
}

describe('HttpDurationHistogram', () => {
  it("writes the same text as prom-client's Histogram after the same observations", async () => {
    const { registry, histogram } = tallied();
    for (const observation of OBSERVATIONS) histogram.observe(...observation);

    const text = await registry.metrics();

    expect(text).toBe(await promClientText(OBSERVATIONS));
    expect(text).toContain(`${NAME}_bucket{le="0.005",method="POST",route="/api/admin/tasks",status_code="202"} 1`);
  });

  it('writes only the help and type lines before any observation, as prom-client does', async () => {
    const { registry } = tallied();

    expect(await registry.metrics()).toBe(await promClientText([]));
  });

  it('forgets every observation on reset', async () => {
    const { registry, histogram } = tallied();
    histogram.observe('GET', '/api/home/banners', 200, 0.002);

    registry.resetMetrics();
    histogram.observe('GET', '/api/home/banners', 304, 0.002);

    expect(await registry.metrics()).toBe(await promClientText([['GET', '/api/home/banners', 304, 0.002]]));
  });
});
