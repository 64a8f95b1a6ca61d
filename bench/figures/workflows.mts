import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { BenchContext } from '../lib/context.mts';
import { brokerCpuUs, drained } from '../lib/broker.mts';
import { childReady, request } from '../lib/ipc.mts';
import { startChild, startMain } from '../lib/processes.mts';
import type { FigureResult, Row } from '../lib/report.mts';
import { median, round } from '../lib/stats.mts';
import type { WorkflowProduced, WorkflowRequest } from '../children/workflow-producer.mts';

const CHORD_SIZE = 1_000;
const CHAIN_STEPS = 100;
/**
 * Chord-plain pairs per repetition: a pair takes under a second, and its ratio spreads over tens of
 * points between pairs (BENCHMARKS.md, Chord overhead), so a median of 3 would say little.
 */
export const CHORD_PAIRS_PER_REP = 5;
const PREFIX = 'bench-workflows';
const TIMEOUT_MS = 120_000;
/** The target: a chord's overhead at most 20 % of the same tasks run plainly. */
const CHORD_OVERHEAD_TARGET = 0.2;

/** One side of a pair: the wall time the figure compares, and what explains it. */
interface Side {
  /** From the first enqueue to the last completion (the chord's body, the last plain task), in ms. */
  readonly ms: number;
  /** How long the producer took to enqueue (the chord's check, plan and header; the plain tasks), in ms. */
  readonly enqueueMs: number;
  /** The worker's CPU time per header member or plain task, in µs (from /proc, in ticks of 10 ms). */
  readonly workerCpuUs: number;
  /** The broker's CPU time per header member or plain task, in µs (its `INFO cpu`, main thread and children). */
  readonly brokerCpuUs: number;
  /**
   * The broker's EVAL calls, per side: the worker's result-TTL batches (one per 100 ms, on both
   * sides), and on the chord's the workflow's counting and finishing scripts and any recovery check.
   */
  readonly evalCalls: number;
  /** Where the time went, in ms, from Bull's timestamps: see {@link phasesOf}. */
  readonly phases: Phases;
}

interface Phases {
  /** From the first enqueue to the first header member's or plain task's start. */
  readonly firstStart: number;
  /** From the first enqueue to the last header member's or plain task's end. */
  readonly lastEnd: number;
  /** From the last header member's end to the body's start (0 for plain tasks). */
  readonly bodyWait: number;
  /** The body's run, from its start to its end (0 for plain tasks). */
  readonly bodyRun: number;
}

interface Pair {
  readonly chord: Side;
  readonly plain: Side;
  readonly chordFirst: boolean;
}

/** How many EVAL calls the broker has answered so far (Bull's own scripts go by EVALSHA). */
async function brokerEvalCalls(broker: Redis): Promise<number> {
  const match = /^cmdstat_eval:calls=(\d+)/m.exec(await broker.info('commandstats'));
  return match ? Number(match[1]) : 0;
}

/** The phases of a side that started at `startedAt`, read from its completed jobs; `bodyId` is the chord's body. */
async function phasesOf(broker: Redis, startedAt: number, bodyId?: string): Promise<Phases> {
  const ids = (await broker.zrange(`${PREFIX}:default:completed`, 0, -1)).filter((id) => id !== bodyId);
  const read = broker.pipeline();
  for (const id of bodyId ? [...ids, bodyId] : ids) read.hmget(`${PREFIX}:default:${id}`, 'processedOn', 'finishedOn');
  const times = ((await read.exec()) as [Error | null, [string, string]][]).map(([, [start, end]]) => ({
    start: Number(start),
    end: Number(end),
  }));
  const body = bodyId ? times.pop() : undefined;
  const lastEnd = Math.max(...times.map(({ end }) => end));
  return {
    firstStart: Math.min(...times.map(({ start }) => start)) - startedAt,
    lastEnd: lastEnd - startedAt,
    bodyWait: body ? body.start - lastEnd : 0,
    bodyRun: body ? body.end - body.start : 0,
  };
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
 * independent `add`, back to back, {@link CHORD_PAIRS_PER_REP} pairs in every repetition (the pairs
 * alternating which goes first) after one unmeasured of each, from the first enqueue to the last
 * completion; the chord's overhead is the median of the pairs' ratios, beside each side's enqueue
 * time, the worker's and the broker's CPU per task (the broker's includes the bench's own polls for
 * the end, a few dozen on either side) and the broker's EVAL calls (the result-TTL batches on both
 * sides; a chord's counts, finish and any recovery check on its own), and the phases of each side
 * from Bull's timestamps (read once it ended).
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
    const side = async (kind: 'chord' | 'plain'): Promise<Side> => {
      await broker.flushdb();
      const cpuBefore = worker.cpuMs();
      const brokerCpuBefore = await brokerCpuUs(broker);
      const evalCallsBefore = await brokerEvalCalls(broker);
      const produced = await produce({ kind, size: CHORD_SIZE });
      const endedAt = kind === 'chord' ? await completedAt(broker, produced.lastTaskId!) : await drained(broker, PREFIX, TIMEOUT_MS);
      return {
        ms: endedAt - produced.startedAt,
        enqueueMs: produced.endedAt - produced.startedAt,
        workerCpuUs: ((worker.cpuMs() - cpuBefore) * 1000) / CHORD_SIZE,
        brokerCpuUs: ((await brokerCpuUs(broker)) - brokerCpuBefore) / CHORD_SIZE,
        evalCalls: (await brokerEvalCalls(broker)) - evalCallsBefore,
        phases: await phasesOf(broker, produced.startedAt, produced.lastTaskId),
      };
    };
    // Unmeasured, as the other figures warm up: the first pair's chord, always going first, paid
    // alone for compiling the workflow code of the worker and the producer (twice the time of the others).
    progress.step('workflows: warming up');
    await side('chord');
    await side('plain');
    for (let rep = 1; rep <= options.reps; rep++) {
      progress.step(
        `workflows: ${CHORD_PAIRS_PER_REP} × a chord of ${CHORD_SIZE} and ${CHORD_SIZE} plain tasks, rep ${rep}/${options.reps}`,
      );
      for (let pair = 1; pair <= CHORD_PAIRS_PER_REP; pair++) {
        const chordFirst = pairs.length % 2 === 0;
        if (chordFirst) {
          const chord = await side('chord');
          pairs.push({ chord, plain: await side('plain'), chordFirst });
        } else {
          const plain = await side('plain');
          pairs.push({ chord: await side('chord'), plain, chordFirst });
        }
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

  const overheads = pairs.map((pair) => pair.chord.ms / pair.plain.ms - 1);
  const overhead = median(overheads);
  const percent = (value: number) => `${round(value * 100, 1)} %`;
  const medianOf = (side: 'chord' | 'plain', field: Exclude<keyof Side, 'phases'>) =>
    Math.round(median(pairs.map((pair) => pair[side][field])));
  const rows: Row[] = [
    {
      figure: `workflows: chord of ${CHORD_SIZE} \`add\` + \`xsum\` ÷ ${CHORD_SIZE} plain \`add\`, one worker, overhead`,
      value:
        `${percent(overhead)} (min ${percent(Math.min(...overheads))}, max ${percent(Math.max(...overheads))}; ` +
        `${medianOf('chord', 'ms')} ms ÷ ${medianOf('plain', 'ms')} ms; enqueue ${medianOf('chord', 'enqueueMs')} ms ÷ ${medianOf('plain', 'enqueueMs')} ms; ` +
        `worker CPU per task ${medianOf('chord', 'workerCpuUs')} µs ÷ ${medianOf('plain', 'workerCpuUs')} µs; ` +
        `broker CPU per task ${medianOf('chord', 'brokerCpuUs')} µs ÷ ${medianOf('plain', 'brokerCpuUs')} µs; ` +
        `EVAL calls ${medianOf('chord', 'evalCalls')} ÷ ${medianOf('plain', 'evalCalls')})`,
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
