import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
import { childReady, request } from '../lib/ipc.mts';
import { type Child, startChild, startMain } from '../lib/processes.mts';
import type { FigureResult, Row } from '../lib/report.mts';
import { median, round } from '../lib/stats.mts';
import type { Produced } from '../children/produce.mts';

const CONCURRENCIES = [1, 16] as const;
const DRAIN_TIMEOUT_MS = 300_000;

interface Run {
  /** Enqueued per second by the producer alone. */
  readonly enqueuePerSecond: number;
  /** Finished per second, from the first enqueue to the last completion. */
  readonly completedPerSecond: number;
  /** CPU time of the worker process per task, in µs. */
  readonly workerCpuUs: number;
}

type Side = 'app' | 'bare';

/**
 * 20,000 `add` tasks through one worker process: the application (`--role=worker`, producing
 * through TasksService) against plain Bull with the same settings, on the same private Redis, at
 * WORKER_CONCURRENCY 1 and 16. The two sides take turns in every repetition; each has its own key
 * prefix, and the broker is wiped between runs.
 */
export async function tasksFigure({ environment, options, progress }: BenchContext, memory: Map<string, number>): Promise<FigureResult> {
  const broker = environment.brokerClient();
  const prefixes: Record<Side, string> = { app: 'bench-app', bare: 'bench-bare' };
  const producers: Record<Side, Child> = {
    app: startChild('nest-producer.mts', environment.env({ QUEUE_PREFIX: prefixes.app })),
    bare: startChild('bare-bull.mts', environment.env({ QUEUE_PREFIX: prefixes.bare }), ['producer']),
  };
  const runs: Record<string, Record<Side, Run[]>> = {};
  let bareWorkerRssMb = Number.NaN;
  try {
    await Promise.all(Object.values(producers).map(childReady));
    for (const concurrency of CONCURRENCIES) {
      const workers = {
        app: (await startMain('worker', environment.env({ QUEUE_PREFIX: prefixes.app, WORKER_CONCURRENCY: String(concurrency) }), options.nodeArgs)).child,
        bare: startChild('bare-bull.mts', environment.env({ QUEUE_PREFIX: prefixes.bare }), ['worker', String(concurrency)]),
      };
      runs[concurrency] = { app: [], bare: [] };
      try {
        await childReady(workers.bare);
        for (let rep = 1; rep <= options.reps; rep++) {
          for (const side of ['bare', 'app'] as const) {
            progress.step(`tasks: ${side === 'app' ? 'application' : 'bare Bull'}, concurrency ${concurrency}, rep ${rep}/${options.reps}, ${options.tasks} tasks`);
            await broker.flushdb();
            const cpuBefore = workers[side].cpuMs();
            const produced = await request<Produced>(producers[side], { count: options.tasks });
            const lastFinishedAt = await drained(broker, prefixes[side], DRAIN_TIMEOUT_MS);
            runs[concurrency][side].push({
              enqueuePerSecond: options.tasks / ((produced.endedAt - produced.startedAt) / 1000),
              completedPerSecond: options.tasks / ((lastFinishedAt - produced.startedAt) / 1000),
              workerCpuUs: ((workers[side].cpuMs() - cpuBefore) * 1000) / options.tasks,
            });
          }
        }
        if (concurrency === CONCURRENCIES[CONCURRENCIES.length - 1]) {
          memory.set('worker', workers.app.rssMb());
          bareWorkerRssMb = workers.bare.rssMb();
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
  const m = (list: Run[], field: keyof Run) => median(list.map((run) => run[field]));
  const enqueueApp = median(Object.values(runs).flatMap((byside) => byside.app.map((run) => run.enqueuePerSecond)));
  const enqueueBare = median(Object.values(runs).flatMap((byside) => byside.bare.map((run) => run.enqueuePerSecond)));
  rows.push({
    figure: `enqueue: TasksService.applyAsync ÷ bare \`queue.add\``,
    value: `${Math.round(enqueueApp)} ÷ ${Math.round(enqueueBare)} tasks/s = ${round((enqueueApp / enqueueBare) * 100, 1)} %`,
    target: '(reported)',
  });
  const ratios: Record<string, number> = {};
  for (const concurrency of CONCURRENCIES) {
    const { app, bare } = runs[concurrency];
    const ratio = m(app, 'completedPerSecond') / m(bare, 'completedPerSecond');
    ratios[concurrency] = ratio;
    rows.push({
      figure: `tasks end to end, one worker, concurrency ${concurrency}: app ÷ bare Bull`,
      value:
        `${Math.round(m(app, 'completedPerSecond'))} ÷ ${Math.round(m(bare, 'completedPerSecond'))} tasks/s = ${round(ratio * 100, 1)} %` +
        ` (worker CPU per task ${Math.round(m(app, 'workerCpuUs'))} µs ÷ ${Math.round(m(bare, 'workerCpuUs'))} µs)`,
      target: '≥ 90 %',
      met: ratio >= 0.9,
    });
  }
  rows.push({ figure: 'memory: RSS of the bare Bull worker after the same load', value: `${round(bareWorkerRssMb, 1)} MB`, target: '(reference)' });
  return { rows, data: { bareWorkerRssMb, tasks: options.tasks, runs, completedRatio: ratios, enqueueRatio: enqueueApp / enqueueBare } };
}
