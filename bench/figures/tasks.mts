import type { BenchContext } from '../lib/context.mts';
import { brokerCpuUs, drained } from '../lib/broker.mts';
import { NO_IDLE_TRIM } from '../lib/environment.mts';
import { childReady, request } from '../lib/ipc.mts';
import { type Child, startChild, startMain } from '../lib/processes.mts';
import type { FigureResult, Row } from '../lib/report.mts';
import { alternate, formatRatio, median, pairedRatio } from '../lib/stats.mts';
import type { Produced } from '../children/produce.mts';

const CONCURRENCIES = [1, 16] as const;
const DRAIN_TIMEOUT_MS = 300_000;
/** Tasks a side runs, unmeasured, right before each of its runs: the other side's run left it idle. */
const WARM_UP_TASKS = 2_000;

interface Run {
  /** Enqueued per second by the producer alone. */
  readonly enqueuePerSecond: number;
  /** Finished per second, from the first enqueue to the last completion. */
  readonly completedPerSecond: number;
  /** CPU time of the worker process per task, in µs. */
  readonly workerCpuUs: number;
  /** CPU time of the broker (redis-server) per task, in µs: it shares the machine's cores with the worker. */
  readonly brokerCpuUs: number;
}

type Side = 'app' | 'bare';

/**
 * 20,000 `add` tasks through one worker process: the application (`--role=worker`, producing
 * through TasksService) against plain Bull with the same settings, on the same private Redis, at
 * WORKER_CONCURRENCY 1 and 16. In every repetition the two sides run back to back, taking turns at
 * going first, each run right after a warm-up batch of its own side, and their ratio is taken in
 * that pair. Each side has its own key prefix, and the broker is wiped between runs.
 */
export async function tasksFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const broker = environment.brokerClient();
  const prefixes: Record<Side, string> = { app: 'bench-app', bare: 'bench-bare' };
  const producers: Record<Side, Child> = {
    app: startChild('nest-producer.mts', environment.env({ QUEUE_PREFIX: prefixes.app })),
    bare: startChild('bare-bull.mts', environment.env({ QUEUE_PREFIX: prefixes.bare }), ['producer']),
  };
  const runs: Record<string, Record<Side, Run[]>> = {};
  const run = async (workers: Record<Side, Child>, side: Side, count: number): Promise<Run> => {
    await broker.flushdb();
    const cpuBefore = workers[side].cpuMs();
    const brokerCpuBefore = await brokerCpuUs(broker);
    const produced = await request<Produced>(producers[side], { count });
    const lastFinishedAt = await drained(broker, prefixes[side], DRAIN_TIMEOUT_MS);
    return {
      enqueuePerSecond: count / ((produced.endedAt - produced.startedAt) / 1000),
      completedPerSecond: count / ((lastFinishedAt - produced.startedAt) / 1000),
      workerCpuUs: ((workers[side].cpuMs() - cpuBefore) * 1000) / count,
      brokerCpuUs: ((await brokerCpuUs(broker)) - brokerCpuBefore) / count,
    };
  };
  try {
    await Promise.all(Object.values(producers).map(childReady));
    for (const concurrency of CONCURRENCIES) {
      const workers = {
        app: (
          await startMain(
            'worker',
            environment.env({ QUEUE_PREFIX: prefixes.app, WORKER_CONCURRENCY: String(concurrency), ...NO_IDLE_TRIM }),
            options.nodeArgs,
          )
        ).child,
        bare: startChild('bare-bull.mts', environment.env({ QUEUE_PREFIX: prefixes.bare }), ['worker', String(concurrency)]),
      };
      runs[concurrency] = { app: [], bare: [] };
      try {
        await childReady(workers.bare);
        for (let rep = 1; rep <= options.reps; rep++) {
          for (const side of alternate<Side>(rep, 'bare', 'app')) {
            progress.step(
              `tasks: ${side === 'app' ? 'application' : 'bare Bull'}, concurrency ${concurrency}, rep ${rep}/${options.reps}, ${options.tasks} tasks`,
            );
            await run(workers, side, Math.min(WARM_UP_TASKS, options.tasks));
            runs[concurrency][side].push(await run(workers, side, options.tasks));
          }
        }
      } finally {
        await Promise.all([workers.app.stop(), workers.bare.stop()]);
      }
    }
  } finally {
    broker.disconnect();
    await Promise.all(Object.values(producers).map((producer) => producer.stop()));
  }

  const rows: Row[] = [];
  const m = (list: Run[], field: keyof Run) => median(list.map((one) => one[field]));
  const all = (side: Side, field: keyof Run) => Object.values(runs).flatMap((bySide) => bySide[side].map((one) => one[field]));
  const enqueueRatio = pairedRatio(all('app', 'enqueuePerSecond'), all('bare', 'enqueuePerSecond'));
  rows.push({
    figure: 'enqueue: TasksService.applyAsync ÷ bare `queue.add`, per pair',
    value: `${Math.round(median(all('app', 'enqueuePerSecond')))} ÷ ${Math.round(median(all('bare', 'enqueuePerSecond')))} tasks/s (medians); ${formatRatio(enqueueRatio)}`,
    target: '(reported)',
  });
  const ratios: Record<string, unknown> = {};
  for (const concurrency of CONCURRENCIES) {
    const { app, bare } = runs[concurrency];
    const ratio = pairedRatio(
      app.map((one) => one.completedPerSecond),
      bare.map((one) => one.completedPerSecond),
    );
    ratios[concurrency] = ratio;
    rows.push({
      figure: `tasks end to end, one worker, concurrency ${concurrency}: app ÷ bare Bull, per pair`,
      value:
        `${Math.round(m(app, 'completedPerSecond'))} ÷ ${Math.round(m(bare, 'completedPerSecond'))} tasks/s (medians); ${formatRatio(ratio)}` +
        ` (worker CPU per task ${Math.round(m(app, 'workerCpuUs'))} µs ÷ ${Math.round(m(bare, 'workerCpuUs'))} µs;` +
        ` broker CPU per task ${Math.round(m(app, 'brokerCpuUs'))} µs ÷ ${Math.round(m(bare, 'brokerCpuUs'))} µs)`,
      target: '≥ 90 %',
      met: ratio.median >= 0.9,
    });
  }
  return {
    rows,
    data: { tasks: options.tasks, warmUpTasks: Math.min(WARM_UP_TASKS, options.tasks), runs, completedRatio: ratios, enqueueRatio },
  };
}
