import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
import { childReady, request } from '../lib/ipc.mts';
import { startChild, startMain } from '../lib/processes.mts';
import type { FigureResult } from '../lib/report.mts';
import { median, percentile } from '../lib/stats.mts';
import type { Produced } from '../children/produce.mts';

const TASKS = 500;
const EARLIEST_MS = 1_000;
const SPREAD_MS = 2_000;
const PREFIX = 'bench-eta';

interface Lateness {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly min: number;
}

/**
 * 500 tasks enqueued with an eta 1–3 s ahead, spread at random: how late each started, from the
 * start time Bull stamps on the job (`processedOn`, taken by the worker as it takes the job) minus
 * its eta.
 */
export async function etaFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const env = environment.env({ QUEUE_PREFIX: PREFIX });
  const broker = environment.brokerClient();
  const producer = startChild('nest-producer.mts', env);
  const { child: worker } = await startMain('worker', env, options.nodeArgs);
  const reps: Lateness[] = [];
  try {
    await childReady(producer);
    for (let rep = 1; rep <= options.reps; rep++) {
      progress.step(`eta: ${TASKS} tasks due in 1–3 s, rep ${rep}/${options.reps}`);
      await broker.flushdb();
      const now = Date.now();
      const etas = Array.from({ length: TASKS }, () => now + EARLIEST_MS + Math.floor(Math.random() * SPREAD_MS));
      const produced = await request<Produced>(producer, { count: TASKS, etas });
      if (produced.endedAt > now + EARLIEST_MS) progress.note(`eta: enqueuing took ${produced.endedAt - now} ms, past the earliest eta`);
      await drained(broker, PREFIX, 30_000);
      const pipeline = broker.pipeline();
      for (const id of produced.ids) pipeline.hget(`${PREFIX}:default:${id}`, 'processedOn');
      const startedAt = ((await pipeline.exec()) ?? []).map(([, value]) => Number(value));
      const lateness = startedAt.map((started, index) => started - etas[index]);
      reps.push({ p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: Math.max(...lateness), min: Math.min(...lateness) });
    }
  } finally {
    broker.disconnect();
    await Promise.all([worker.stop(), producer.stop()]);
  }
  const m = (field: keyof Lateness) => median(reps.map((rep) => rep[field]));
  const earliest = Math.min(...reps.map((rep) => rep.min));
  const latest = Math.max(...reps.map((rep) => rep.max));
  return {
    rows: [
      {
        figure: `eta: ${TASKS} tasks 1–3 s ahead, start lateness`,
        value: `p50 ${m('p50')} ms, p99 ${m('p99')} ms (medians), max ${latest} ms (all repetitions)`,
        target: 'p99 ≤ 2.5 ms',
        met: m('p99') <= 2.5,
      },
      {
        figure: 'eta: earliest start relative to eta (all repetitions)',
        value: `${earliest} ms`,
        target: 'none early (≥ 0)',
        met: earliest >= 0,
      },
    ],
    data: { tasks: TASKS, reps },
  };
}
