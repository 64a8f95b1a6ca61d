import type { CountedQueue } from './metrics.service';
import { PrometheusMetrics } from './prometheus-metrics';

/** The value of one sample in Prometheus text, or undefined when the series is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

function queue(
  name: string,
  counts: () => Promise<object>,
  perPriority: (priorities: number[]) => Promise<Record<string, number>> = counts as () => Promise<Record<string, number>>,
): CountedQueue {
  return { name, getJobCounts: counts, getCountsPerPriority: perPriority };
}

describe('PrometheusMetrics', () => {
  let sut: PrometheusMetrics;

  beforeEach(() => {
    sut = new PrometheusMetrics();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('serves Prometheus text with the process metrics', async () => {
    const text = await sut.scrape();

    expect(sut.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE queue_jobs gauge');
  });

  it('times HTTP requests by method, route template and status', async () => {
    sut.httpRequest('GET', '/api/admin/tasks/:id', 404, 0.003);
    sut.httpRequest('GET', '/api/admin/tasks/:id', 404, 0.2);

    const text = await sut.scrape();

    const series = 'http_request_duration_seconds_count{method="GET",route="/api/admin/tasks/:id",status_code="404"}';
    expect(sample(text, series)).toBe(2);
    expect(sample(text, series.replace('_count{', '_bucket{le="0.005",'))).toBe(1);
  });

  it('counts cache results by key and result', async () => {
    sut.cacheResult('banner_list', 'hit');
    sut.cacheResult('banner_list', 'hit');
    sut.cacheResult('banner_list', 'stale');

    const text = await sut.scrape();

    expect(sample(text, 'cache_results_total{key="banner_list",result="hit"}')).toBe(2);
    expect(sample(text, 'cache_results_total{key="banner_list",result="stale"}')).toBe(1);
    expect(sample(text, 'cache_results_total{key="banner_list",result="miss"}')).toBeUndefined();
  });

  it('keeps counting cache results across scrapes, each counted once', async () => {
    sut.cacheResult('banner_list', 'hit');
    sut.cacheResult('banner_list', 'hit');
    await sut.scrape();
    sut.cacheResult('banner_list', 'hit');
    sut.cacheResult('other_list', 'miss');

    const text = await sut.scrape();
    const again = await sut.scrape();

    expect(sample(text, 'cache_results_total{key="banner_list",result="hit"}')).toBe(3);
    expect(sample(text, 'cache_results_total{key="other_list",result="miss"}')).toBe(1);
    expect(sample(again, 'cache_results_total{key="banner_list",result="hit"}')).toBe(3);
  });

  it('counts task runs by name and state and records their duration in seconds', async () => {
    sut.taskFinished('add', 'SUCCESS', 250);
    sut.taskFinished('add', 'RETRY', 40);

    const text = await sut.scrape();

    expect(sample(text, 'tasks_total{task="add",state="SUCCESS"}')).toBe(1);
    expect(sample(text, 'tasks_total{task="add",state="RETRY"}')).toBe(1);
    expect(sample(text, 'task_duration_seconds_sum{task="add",state="SUCCESS"}')).toBe(0.25);
    expect(sample(text, 'task_duration_seconds_bucket{le="0.1",task="add",state="SUCCESS"}')).toBe(0);
    expect(sample(text, 'task_duration_seconds_bucket{le="0.25",task="add",state="SUCCESS"}')).toBe(1);
  });

  it('counts beat ticks by entry and outcome', async () => {
    sut.beatTick('test-task', 'enqueued');
    sut.beatTick('test-task', 'skipped');
    sut.beatTick('test-task', 'skipped');

    const text = await sut.scrape();

    expect(sample(text, 'beat_ticks_total{entry="test-task",outcome="enqueued"}')).toBe(1);
    expect(sample(text, 'beat_ticks_total{entry="test-task",outcome="skipped"}')).toBe(2);
  });

  it('counts the jobs of every observed queue anew on each scrape', async () => {
    let waiting = 3;
    sut.observeQueues([queue('default', async () => ({ waiting, active: 1 })), queue('low', async () => ({ waiting: 0, active: 0 }))]);

    const first = await sut.scrape();
    waiting = 0;
    const second = await sut.scrape();

    expect(sample(first, 'queue_jobs{queue="default",state="waiting"}')).toBe(3);
    expect(sample(first, 'queue_jobs{queue="default",state="active"}')).toBe(1);
    expect(sample(first, 'queue_jobs{queue="low",state="waiting"}')).toBe(0);
    expect(sample(second, 'queue_jobs{queue="default",state="waiting"}')).toBe(0);
  });

  it('counts the waiting jobs of every observed queue per priority, those without one as none', async () => {
    const asked: number[][] = [];
    sut.observeQueues([
      queue(
        'default',
        async () => ({ waiting: 6 }),
        async (priorities) => {
          asked.push(priorities);
          return Object.fromEntries(priorities.map((priority) => [String(priority), priority === 0 ? 4 : priority === 1 ? 2 : 0]));
        },
      ),
    ]);

    const text = await sut.scrape();

    expect(asked).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    expect(sample(text, 'queue_waiting_jobs{queue="default",priority="none"}')).toBe(4);
    expect(sample(text, 'queue_waiting_jobs{queue="default",priority="1"}')).toBe(2);
    expect(sample(text, 'queue_waiting_jobs{queue="default",priority="10"}')).toBe(0);
    expect(sample(text, 'queue_waiting_jobs{queue="default",priority="0"}')).toBeUndefined();
  });

  it('leaves the queue counts out, and still answers, when Redis fails', async () => {
    let fail = false;
    sut.observeQueues([queue('default', async () => (fail ? Promise.reject(new Error('ECONNREFUSED')) : { waiting: 2 }))]);
    sut.beatTick('test-task', 'enqueued');
    await sut.scrape();
    fail = true;

    const text = await sut.scrape();

    expect(sample(text, 'queue_jobs{queue="default",state="waiting"}')).toBeUndefined();
    expect(sample(text, 'beat_ticks_total{entry="test-task",outcome="enqueued"}')).toBe(1);
  });

  it('gives up on queue counts that do not come, instead of holding the scrape', async () => {
    jest.useFakeTimers();
    sut.observeQueues([queue('default', () => new Promise<never>(() => undefined))]);

    const scraped = sut.scrape();
    await jest.advanceTimersByTimeAsync(1_000);

    const text = await scraped;
    expect(text).not.toContain('queue_jobs{');
    expect(text).not.toContain('queue_waiting_jobs{');
  });

  it('keeps each instance to its own numbers', async () => {
    const other = new PrometheusMetrics();

    sut.beatTick('test-task', 'enqueued');

    expect(sample(await other.scrape(), 'beat_ticks_total{entry="test-task",outcome="enqueued"}')).toBeUndefined();
  });
});
