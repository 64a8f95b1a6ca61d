import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
import { NO_IDLE_TRIM } from '../lib/environment.mts';
import { enqueueOverHttp } from '../lib/enqueue-load.mts';
import { childReady, request } from '../lib/ipc.mts';
import { startChild, startMain } from '../lib/processes.mts';
import type { FigureResult } from '../lib/report.mts';
import { alternate, formatRatio, median, pairedRatio } from '../lib/stats.mts';
import type { Produced } from '../children/produce.mts';

const PREFIX = 'bench-enqueue';
const CONCURRENCY = 16;
const WARM_UP_TASKS = 2_000;
const DRAIN_TIMEOUT_MS = 300_000;

type Way = 'http' | 'inProcess';

interface Run {
  readonly enqueuePerSecond: number;
  /** Finished per second, from the first enqueue to the last completion. */
  readonly completedPerSecond: number;
  /** CPU time per enqueue of the process that enqueues: the api over HTTP, the producer in process. */
  readonly enqueueCpuUs: number;
}

/**
 * The enqueue path as users see it: `add` tasks enqueued over HTTP (`POST /api/admin/tasks`, 50
 * connections) into one api while one worker (concurrency 16) runs them, against the same number
 * enqueued in process through `TasksService.applyAsync` (a Nest context, as the CLI and the beat
 * enqueue) into the same worker. In every repetition the two run back to back, taking turns at
 * going first, after one unmeasured warm-up batch each.
 */
export async function enqueueFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const env = environment.env({ QUEUE_PREFIX: PREFIX, WORKER_CONCURRENCY: String(CONCURRENCY), ...NO_IDLE_TRIM });
  const broker = environment.brokerClient();
  const producer = startChild('nest-producer.mts', env);
  const [api, worker] = await Promise.all([startMain('api', env, options.nodeArgs), startMain('worker', env, options.nodeArgs)]);
  const runs: Record<Way, Run[]> = { http: [], inProcess: [] };
  const run = async (way: Way, count: number): Promise<Run> => {
    await broker.flushdb();
    const enqueuer = way === 'http' ? api.child : producer;
    const cpuBefore = enqueuer.cpuMs();
    const { startedAt, endedAt } =
      way === 'http'
        ? await enqueueOverHttp(api.url!, environment.adminToken, count, options.connections)
        : await request<Produced>(producer, { count });
    const cpuMs = enqueuer.cpuMs() - cpuBefore;
    const lastFinishedAt = await drained(broker, PREFIX, DRAIN_TIMEOUT_MS);
    return {
      enqueuePerSecond: count / ((endedAt - startedAt) / 1000),
      completedPerSecond: count / ((lastFinishedAt - startedAt) / 1000),
      enqueueCpuUs: (cpuMs * 1000) / count,
    };
  };
  try {
    await childReady(producer);
    for (const way of ['http', 'inProcess'] as const) {
      progress.step(`enqueue: warming up ${way === 'http' ? 'over HTTP' : 'in process'}`);
      await run(way, Math.min(WARM_UP_TASKS, options.tasks));
    }
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const way of alternate<Way>(rep, 'http', 'inProcess')) {
        progress.step(
          `enqueue: ${way === 'http' ? `over HTTP, ${options.connections} connections` : 'in process'}, rep ${rep}/${options.reps}, ${options.tasks} tasks`,
        );
        runs[way].push(await run(way, options.tasks));
      }
    }
  } finally {
    broker.disconnect();
    await Promise.all([api.child.stop(), worker.child.stop(), producer.stop()]);
  }

  const all = (way: Way, field: keyof Run) => runs[way].map((one) => one[field]);
  const m = (way: Way, field: keyof Run) => Math.round(median(all(way, field)));
  const enqueueRatio = pairedRatio(all('http', 'enqueuePerSecond'), all('inProcess', 'enqueuePerSecond'));
  const completedRatio = pairedRatio(all('http', 'completedPerSecond'), all('inProcess', 'completedPerSecond'));
  return {
    rows: [
      {
        figure: `enqueue over HTTP (${options.connections} connections) ÷ in process (TasksService.applyAsync), per pair`,
        value:
          `${m('http', 'enqueuePerSecond')} ÷ ${m('inProcess', 'enqueuePerSecond')} tasks/s (medians); ${formatRatio(enqueueRatio)}` +
          ` (CPU per enqueue: api ${m('http', 'enqueueCpuUs')} µs, in-process producer ${m('inProcess', 'enqueueCpuUs')} µs)`,
        target: '≥ 40 %',
        met: enqueueRatio.median >= 0.4,
      },
      {
        figure: `tasks end to end, enqueued over HTTP, one worker at concurrency ${CONCURRENCY}`,
        value: `${m('http', 'completedPerSecond')} tasks/s, beside ${m('inProcess', 'completedPerSecond')} enqueued in process (medians); ${formatRatio(completedRatio)}`,
        target: '(reported)',
      },
    ],
    data: { tasks: options.tasks, connections: options.connections, concurrency: CONCURRENCY, runs, enqueueRatio, completedRatio },
  };
}
