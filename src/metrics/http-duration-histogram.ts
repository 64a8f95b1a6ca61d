/** prom-client's default buckets, in seconds: the ones `http_request_duration_seconds` has always had. */
const UPPER_BOUNDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface HttpLabels {
  readonly method: string;
  readonly route: string;
  readonly status_code: number;
}

/** One label set's observations: `counts[i]` fell in bucket i alone (the last one past every bound). */
interface Series {
  readonly labels: HttpLabels;
  readonly counts: number[];
  sum: number;
  count: number;
}

/** A sample as prom-client's registry formats it. */
interface HistogramSample {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/**
 * `http_request_duration_seconds`, observed on every answer of the api. prom-client's `Histogram`
 * checks the labels and builds a hash string of them on each observation (0.56 µs a call in a loop,
 * BENCHMARKS.md); here a request finds its series through three map lookups and allocates nothing
 * once the series exists. prom-client's registry still writes the text: it reads a metric through
 * `get()`, and the spec checks the text is the same as a `Histogram`'s after the same observations.
 */
export class HttpDurationHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Series in the order they first appeared, as prom-client lists them. */
  private series: Series[] = [];
  private byRoute = new Map<string, Map<string, Map<number, Series>>>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    const series = this.seriesOf(method, route, statusCode);
    let bucket = 0;
    while (bucket < UPPER_BOUNDS.length && seconds > UPPER_BOUNDS[bucket]) bucket++;
    series.counts[bucket]++;
    series.sum += seconds;
    series.count++;
  }

  /** The samples of every series, as prom-client's `Histogram.get()` gives them: cumulative buckets, `+Inf`, sum and count. */
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: HistogramSample[] }> {
    const values = this.series.flatMap(({ labels, counts, sum, count }) => {
      let cumulative = 0;
      const buckets = UPPER_BOUNDS.map((le, index) => {
        cumulative += counts[index];
        return { metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative };
      });
      return [
        ...buckets,
        { metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count },
        { metricName: `${this.name}_sum`, labels: { ...labels }, value: sum },
        { metricName: `${this.name}_count`, labels: { ...labels }, value: count },
      ];
    });
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Forgets every observation, as `Registry.resetMetrics()` asks. */
  reset(): void {
    this.series = [];
    this.byRoute = new Map();
  }

  private seriesOf(method: string, route: string, statusCode: number): Series {
    let byMethod = this.byRoute.get(route);
    if (byMethod === undefined) this.byRoute.set(route, (byMethod = new Map<string, Map<number, Series>>()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(statusCode);
    if (series === undefined) {
      series = {
        labels: { method, route, status_code: statusCode },
        counts: new Array<number>(UPPER_BOUNDS.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      byStatus.set(statusCode, series);
      this.series.push(series);
    }
    return series;
  }
}
