import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
import { childReady, request } from '../lib/ipc.mts';
import { type Child, startChild, startMain } from '../lib/processes.mts';
import type { FigureResult } from '../lib/report.mts';
import { alternate, median, percentile } from '../lib/stats.mts';
import type { Produced } from '../children/produce.mts';

const TASKS = 500;
const EARLIEST_MS = 1_000;
const SPREAD_MS = 2_000;
/** The application's default WORKER_CONCURRENCY, given to both sides. */
const CONCURRENCY = 4;

interface Lateness {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly min: number;
  /** How many tasks started how late, by whole ms: where the percentiles fall. */
  readonly counts: Record<number, number>;
}

function countsOf(lateness: readonly number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const ms of lateness) counts[ms] = (counts[ms] ?? 0) + 1;
  return counts;
}

type Side = 'app' | 'bare';

/**
 * 500 tasks enqueued with an eta 1–3 s ahead, spread at random: how late each started, from the
 * start time Bull stamps on the job (`processedOn`, taken by the worker as it takes the job) minus
 * its eta. The application (`--role=worker`, producing through TasksService) and, as a reference
 * for what Bull's own promotion gives on this machine, plain Bull with the same settings
 * (bare-bull.mts), each with its own key prefix, taking turns at going first. So the application's
 * worker sometimes waits out two repetitions of the other side, longer than MEMORY_TRIM_IDLE_SECONDS:
 * its next tasks then come due on a worker that has gone quiet, as an eta often does
 * (BENCHMARKS.md, Eta).
 */
export async function etaFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const prefixes: Record<Side, string> = { app: 'bench-eta', bare: 'bench-eta-bare' };
  const env = (side: Side) => environment.env({ QUEUE_PREFIX: prefixes[side], WORKER_CONCURRENCY: String(CONCURRENCY) });
  const broker = environment.brokerClient();
  const producers: Record<Side, Child> = {
    app: startChild('nest-producer.mts', env('app')),
    bare: startChild('bare-bull.mts', env('bare'), ['producer']),
  };
  const workers: Record<Side, Child> = {
    app: (await startMain('worker', env('app'), options.nodeArgs)).child,
    bare: startChild('bare-bull.mts', env('bare'), ['worker', String(CONCURRENCY)], 'image', options.nodeArgs),
  };
  const reps: Record<Side, Lateness[]> = { app: [], bare: [] };
  try {
    await Promise.all([...Object.values(producers), workers.bare].map(childReady));
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const side of alternate<Side>(rep, 'app', 'bare')) {
        progress.step(`eta: ${TASKS} tasks due in 1–3 s, ${side === 'app' ? 'application' : 'bare Bull'}, rep ${rep}/${options.reps}`);
        await broker.flushdb();
        const now = Date.now();
        const etas = Array.from({ length: TASKS }, () => now + EARLIEST_MS + Math.floor(Math.random() * SPREAD_MS));
        const produced = await request<Produced>(producers[side], { count: TASKS, etas });
        if (produced.endedAt > now + EARLIEST_MS) progress.note(`eta: enqueuing took ${produced.endedAt - now} ms, past the earliest eta`);
        await drained(broker, prefixes[side], 30_000);
        const pipeline = broker.pipeline();
        for (const id of produced.ids) pipeline.hget(`${prefixes[side]}:default:${id}`, 'processedOn');
        const startedAt = ((await pipeline.exec()) ?? []).map(([, value]) => Number(value));
        const lateness = startedAt.map((started, index) => started - etas[index]);
        reps[side].push({
          p50: percentile(lateness, 50),
          p99: percentile(lateness, 99),
          max: Math.max(...lateness),
          min: Math.min(...lateness),
          counts: countsOf(lateness),
        });
      }
    }
  } finally {
    broker.disconnect();
    await Promise.all([...Object.values(workers), ...Object.values(producers)].map((child) => child.stop()));
  }
  const m = (side: Side, field: 'p50' | 'p99') => median(reps[side].map((rep) => rep[field]));
  const latest = (side: Side) => Math.max(...reps[side].map((rep) => rep.max));
  const earliest = (side: Side) => Math.min(...reps[side].map((rep) => rep.min));
  const summary = (side: Side) => `p50 ${m(side, 'p50')} ms, p99 ${m(side, 'p99')} ms (medians), max ${latest(side)} ms (all repetitions)`;
  return {
    rows: [
      {
        figure: `eta: ${TASKS} tasks 1–3 s ahead, start lateness`,
        value: summary('app'),
        target: 'p99 ≤ 2.5 ms',
        met: m('app', 'p99') <= 2.5,
      },
      {
        figure: 'eta: earliest start relative to eta (all repetitions)',
        value: `${earliest('app')} ms`,
        target: 'none early (≥ 0)',
        met: earliest('app') >= 0,
      },
      {
        figure: 'eta reference: bare Bull, same run, taking turns with the application',
        value: `${summary('bare')}; earliest ${earliest('bare')} ms`,
        target: '(reported)',
      },
    ],
    data: { tasks: TASKS, concurrency: CONCURRENCY, reps },
  };
}
