import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
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
/** A rate no worker reaches (the most a window may hold): the limiter is asked on every start and never binds. */
const UNREACHED_RATE = '1000000/s';
/**
 * Pairs in every repetition, one in each order: at concurrency 1 the pairs of one run spread by
 * ±20 % or more on a machine of two cores, and the side going first has read higher (see
 * docs/benchmark-history.md, Turns without a cold side), so each order counts as often.
 */
export const RATE_LIMIT_PAIRS_PER_REP = 2;

type Side = 'limited' | 'unlimited';

/**
 * What a rate limit costs when it does not bind: 20,000 `add` tasks through one worker process with
 * `add` limited to 1,000,000/s by TASK_ANNOTATIONS (so each start asks the limiter in Redis), against
 * the same worker without it, at WORKER_CONCURRENCY 1 and 16. As in the tasks figure, the two run
 * back to back, {@link RATE_LIMIT_PAIRS_PER_REP} pairs in every repetition, taking turns at going
 * first, each run right after a warm-up batch of its own side, each side with its own key prefix,
 * the broker wiped between runs; the ratio is taken per pair.
 */
export async function rateLimitFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const broker = environment.brokerClient();
  const prefixes: Record<Side, string> = { limited: 'bench-limited', unlimited: 'bench-unlimited' };
  const annotations: Record<Side, Record<string, string>> = {
    limited: { TASK_ANNOTATIONS: JSON.stringify({ add: { rateLimit: UNREACHED_RATE } }) },
    unlimited: {},
  };
  const producers: Record<Side, Child> = {
    limited: startChild('nest-producer.mts', environment.env({ QUEUE_PREFIX: prefixes.limited })),
    unlimited: startChild('nest-producer.mts', environment.env({ QUEUE_PREFIX: prefixes.unlimited })),
  };
  const completed: Record<string, Record<Side, number[]>> = {};
  const workerCpuUs: Record<string, Record<Side, number[]>> = {};
  const run = async (workers: Record<Side, Child>, side: Side, count: number): Promise<{ perSecond: number; cpuUs: number }> => {
    await broker.flushdb();
    const cpuBefore = workers[side].cpuMs();
    const produced = await request<Produced>(producers[side], { count });
    const lastFinishedAt = await drained(broker, prefixes[side], DRAIN_TIMEOUT_MS);
    return {
      perSecond: count / ((lastFinishedAt - produced.startedAt) / 1000),
      cpuUs: ((workers[side].cpuMs() - cpuBefore) * 1000) / count,
    };
  };
  try {
    await Promise.all(Object.values(producers).map(childReady));
    for (const concurrency of CONCURRENCIES) {
      const start = async (side: Side) =>
        (
          await startMain(
            'worker',
            environment.env({
              QUEUE_PREFIX: prefixes[side],
              WORKER_CONCURRENCY: String(concurrency),
              ...NO_IDLE_TRIM,
              ...annotations[side],
            }),
            options.nodeArgs,
          )
        ).child;
      const workers = { limited: await start('limited'), unlimited: await start('unlimited') };
      completed[concurrency] = { limited: [], unlimited: [] };
      workerCpuUs[concurrency] = { limited: [], unlimited: [] };
      try {
        for (let rep = 1; rep <= options.reps; rep++) {
          for (let pair = 1; pair <= RATE_LIMIT_PAIRS_PER_REP; pair++) {
            const pairOfRun = (rep - 1) * RATE_LIMIT_PAIRS_PER_REP + pair;
            for (const side of alternate<Side>(pairOfRun, 'unlimited', 'limited')) {
              progress.step(
                `rate-limit: ${side === 'limited' ? 'with' : 'without'} a rate limit, concurrency ${concurrency}, rep ${rep}/${options.reps}, pair ${pair}/${RATE_LIMIT_PAIRS_PER_REP}, ${options.tasks} tasks`,
              );
              await run(workers, side, Math.min(WARM_UP_TASKS, options.tasks));
              const { perSecond, cpuUs } = await run(workers, side, options.tasks);
              completed[concurrency][side].push(perSecond);
              workerCpuUs[concurrency][side].push(cpuUs);
            }
          }
        }
      } finally {
        await Promise.all([workers.limited.stop(), workers.unlimited.stop()]);
      }
    }
  } finally {
    broker.disconnect();
    await Promise.all(Object.values(producers).map((producer) => producer.stop()));
  }

  const rows: Row[] = [];
  const ratios: Record<string, unknown> = {};
  for (const concurrency of CONCURRENCIES) {
    const { limited, unlimited } = completed[concurrency];
    const ratio = pairedRatio(limited, unlimited);
    ratios[concurrency] = ratio;
    rows.push({
      figure: `tasks end to end, one worker, concurrency ${concurrency}: rateLimit far above the load ÷ none, per pair`,
      value:
        `${Math.round(median(limited))} ÷ ${Math.round(median(unlimited))} tasks/s (medians); ${formatRatio(ratio)}` +
        ` (worker CPU per task ${Math.round(median(workerCpuUs[concurrency].limited))} µs ÷ ${Math.round(median(workerCpuUs[concurrency].unlimited))} µs)`,
      target: '≥ 95 %',
      met: ratio.median >= 0.95,
    });
  }
  return { rows, data: { tasks: options.tasks, rate: UNREACHED_RATE, completed, workerCpuUs, completedRatio: ratios } };
}
