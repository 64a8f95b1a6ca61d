import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
import { childReady, request } from '../lib/ipc.mts';
import { startChild, startMain } from '../lib/processes.mts';
import type { FigureResult, Row } from '../lib/report.mts';
import { median, round } from '../lib/stats.mts';
import type { WorkflowProduced, WorkflowRequest } from '../children/workflow-producer.mts';

const CHORD_SIZE = 1_000;
const CHAIN_STEPS = 100;
const PREFIX = 'bench-workflows';
const TIMEOUT_MS = 120_000;
/** The target: a chord's overhead at most 20 % of the same tasks run plainly. */
const CHORD_OVERHEAD_TARGET = 0.2;

interface Pair {
  /** From the first enqueue to the chord body's completion, in ms. */
  readonly chordMs: number;
  /** From the first enqueue to the last of the same number of independent tasks' completion, in ms. */
  readonly plainMs: number;
  readonly chordFirst: boolean;
}

/** Waits for a task to complete and returns when it did (its score in Bull's completed set). Fails on a failed one. */
async function completedAt(broker: Redis, id: string): Promise<number> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const [[, finished], [, failed]] = (await broker
      .multi()
      .zscore(`${PREFIX}:default:completed`, id)
      .zscore(`${PREFIX}:default:failed`, id)
      .exec()) as [Error | null, string | null][];
    if (failed !== null) throw new Error(`Task ${id} failed`);
    if (finished !== null) return Number(finished);
    if (Date.now() > deadline) throw new Error(`Task ${id} did not complete within ${TIMEOUT_MS} ms`);
    await sleep(10);
  }
}

/**
 * Workflows through one worker process: a chord of 1,000 `add` with an `xsum` body against 1,000
 * independent `add`, back to back in every repetition (alternating which goes first), from the
 * first enqueue to the last completion; the chord's overhead is the median of the pairs' ratios.
 * Then a chain of 100 `add` steps: its time per step, each step enqueued by the worker when the
 * previous one finished.
 */
export async function workflowsFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const env = environment.env({ QUEUE_PREFIX: PREFIX });
  const broker = environment.brokerClient();
  const producer = startChild('workflow-producer.mts', env);
  const { child: worker } = await startMain('worker', env, options.nodeArgs);
  const produce = (body: WorkflowRequest) => request<WorkflowProduced>(producer, body);
  const pairs: Pair[] = [];
  const chainStepMs: number[] = [];
  try {
    await childReady(producer);
    const chord = async () => {
      await broker.flushdb();
      const produced = await produce({ kind: 'chord', size: CHORD_SIZE });
      return (await completedAt(broker, produced.lastTaskId!)) - produced.startedAt;
    };
    const plain = async () => {
      await broker.flushdb();
      const produced = await produce({ kind: 'plain', size: CHORD_SIZE });
      return (await drained(broker, PREFIX, TIMEOUT_MS)) - produced.startedAt;
    };
    for (let rep = 1; rep <= options.reps; rep++) {
      const chordFirst = rep % 2 === 1;
      progress.step(`workflows: chord of ${CHORD_SIZE} and ${CHORD_SIZE} plain tasks, rep ${rep}/${options.reps}`);
      if (chordFirst) {
        const chordMs = await chord();
        pairs.push({ chordMs, plainMs: await plain(), chordFirst });
      } else {
        const plainMs = await plain();
        pairs.push({ chordMs: await chord(), plainMs, chordFirst });
      }
      progress.step(`workflows: chain of ${CHAIN_STEPS} steps, rep ${rep}/${options.reps}`);
      await broker.flushdb();
      const produced = await produce({ kind: 'chain', size: CHAIN_STEPS });
      chainStepMs.push(((await completedAt(broker, produced.lastTaskId!)) - produced.startedAt) / CHAIN_STEPS);
    }
  } finally {
    broker.disconnect();
    await Promise.all([worker.stop(), producer.stop()]);
  }

  const overheads = pairs.map((pair) => pair.chordMs / pair.plainMs - 1);
  const overhead = median(overheads);
  const percent = (value: number) => `${round(value * 100, 1)} %`;
  const rows: Row[] = [
    {
      figure: `workflows: chord of ${CHORD_SIZE} \`add\` + \`xsum\` ÷ ${CHORD_SIZE} plain \`add\`, one worker, overhead`,
      value:
        `${percent(overhead)} (min ${percent(Math.min(...overheads))}, max ${percent(Math.max(...overheads))}; ` +
        `${Math.round(median(pairs.map((pair) => pair.chordMs)))} ms ÷ ${Math.round(median(pairs.map((pair) => pair.plainMs)))} ms)`,
      target: `≤ ${CHORD_OVERHEAD_TARGET * 100} %`,
      met: overhead <= CHORD_OVERHEAD_TARGET,
    },
    {
      figure: `workflows: chain of ${CHAIN_STEPS} \`add\`, time per step`,
      value: `${round(median(chainStepMs), 2)} ms`,
      target: '(reported)',
    },
  ];
  return { rows, data: { chordSize: CHORD_SIZE, chainSteps: CHAIN_STEPS, pairs, overheads, chainStepMs } };
}
