import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
import { childReady, request } from '../lib/ipc.mts';
import { startChild, startMain } from '../lib/processes.mts';
import type { FigureResult, Row } from '../lib/report.mts';
import { alternate, formatRatio, median, pairedRatio } from '../lib/stats.mts';
import type { Produced, ProduceRequest } from '../children/produce.mts';

const DRAIN_TIMEOUT_MS = 300_000;
/** Tasks each side runs, unmeasured, before the repetitions: the isolated side starts its threads then. */
const WARM_UP_TASKS = 1_000;
const PREFIX = 'bench-isolated';

interface Run {
  /** Finished per second, from the first enqueue to the last completion. */
  readonly completedPerSecond: number;
  /** CPU time of the worker process (every thread) per task, in µs. */
  readonly workerCpuUs: number;
}

type Side = 'in-process' | 'isolated';
const TASK: Record<Side, ProduceRequest['task']> = { 'in-process': 'add', isolated: 'fib' };

/**
 * The cost of `isolated`: one worker (WORKER_CONCURRENCY and WORKER_ISOLATED_THREADS at their
 * defaults) runs `add(i, 1)` on its event loop, then `fib(1)` in its pool of threads, two tasks as
 * trivial as each other, so that the difference is the trip to a thread and back (the run
 * message, the port of its context, the result). In each repetition the two run back to back,
 * taking turns at going first, and their ratio is taken in that pair.
 */
export async function isolatedFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const broker = environment.brokerClient();
  const env = environment.env({ QUEUE_PREFIX: PREFIX });
  const producer = startChild('nest-producer.mts', env);
  const runs: Record<Side, Run[]> = { 'in-process': [], isolated: [] };
  let worker: Awaited<ReturnType<typeof startMain>>['child'] | undefined;
  const run = async (side: Side, count: number): Promise<Run> => {
    await broker.flushdb();
    const cpuBefore = worker!.cpuMs();
    const produced = await request<Produced>(producer, { count, task: TASK[side] } satisfies ProduceRequest);
    const lastFinishedAt = await drained(broker, PREFIX, DRAIN_TIMEOUT_MS);
    return {
      completedPerSecond: count / ((lastFinishedAt - produced.startedAt) / 1000),
      workerCpuUs: ((worker!.cpuMs() - cpuBefore) * 1000) / count,
    };
  };
  try {
    await childReady(producer);
    worker = (await startMain('worker', env, options.nodeArgs)).child;
    for (const side of ['in-process', 'isolated'] as const) {
      progress.step(`isolated: warming up ${side}`);
      await run(side, Math.min(WARM_UP_TASKS, options.tasks));
    }
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const side of alternate<Side>(rep, 'in-process', 'isolated')) {
        progress.step(`isolated: ${side}, rep ${rep}/${options.reps}, ${options.tasks} tasks`);
        runs[side].push(await run(side, options.tasks));
      }
    }
  } finally {
    broker.disconnect();
    await Promise.all([producer.stop(), worker?.stop()]);
  }

  const field = (side: Side, name: keyof Run) => runs[side].map((one) => one[name]);
  const throughput = pairedRatio(field('isolated', 'completedPerSecond'), field('in-process', 'completedPerSecond'));
  const cpu = pairedRatio(field('isolated', 'workerCpuUs'), field('in-process', 'workerCpuUs'));
  const extraCpuUs = median(field('isolated', 'workerCpuUs').map((value, index) => value - field('in-process', 'workerCpuUs')[index]));
  const rows: Row[] = [
    {
      figure: 'isolated task ÷ in-process task, one worker: tasks/s, per pair',
      value: `${Math.round(median(field('isolated', 'completedPerSecond')))} ÷ ${Math.round(median(field('in-process', 'completedPerSecond')))} tasks/s (medians); ${formatRatio(throughput)}`,
      target: '(reported)',
    },
    {
      figure: 'isolated task ÷ in-process task: worker CPU per task (all threads), per pair',
      value: `${Math.round(median(field('isolated', 'workerCpuUs')))} µs ÷ ${Math.round(median(field('in-process', 'workerCpuUs')))} µs (medians); ${formatRatio(cpu)}; ${Math.round(extraCpuUs)} µs more per task (median of the pairs)`,
      target: '(reported)',
    },
  ];
  return { rows, data: { tasks: options.tasks, warmUpTasks: Math.min(WARM_UP_TASKS, options.tasks), runs, throughput, cpu, extraCpuUs } };
}
