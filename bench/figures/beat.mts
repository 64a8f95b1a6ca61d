import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import type * as TickTaskId from '../../src/beat/tick-task-id.ts';
import type { BenchContext } from '../lib/context.mts';
import { freePort, startMain } from '../lib/processes.mts';
import type { FigureResult } from '../lib/report.mts';
import { median, percentile } from '../lib/stats.mts';

const { tickTaskId } = createRequire(import.meta.url)('../../dist/beat/tick-task-id') as typeof TickTaskId;

const BEATS = 3;
const ENTRY = 'bench-every-second';
const PREFIX = 'bench-beat';
const SCHEDULE = { 'update-banner-list': { enabled: false }, [ENTRY]: { task: 'add', every: '1s', args: [1, 2] } };

interface BeatRun {
  readonly ticks: number;
  readonly lagP50: number;
  readonly lagP99: number;
  readonly lagMax: number;
  readonly misses: number;
  readonly duplicates: number;
}

/** What the beats' metrics say they enqueued for the entry, summed over the beats. */
async function enqueuedByBeats(metricsUrls: readonly string[]): Promise<number> {
  let total = 0;
  for (const url of metricsUrls) {
    const text = await (await fetch(url)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`beat_ticks_total{entry="${ENTRY}",outcome="enqueued"}`));
    total += line ? Number(line.split(' ').pop()) : 0;
  }
  return total;
}

/**
 * Three beats with a 1 s entry: for each tick of the window, whether a job was enqueued
 * (misses), how late (the job's enqueue timestamp minus the tick), and whether it was enqueued
 * more than once (the beats' own counts against the jobs in the queue). No worker runs, so every
 * job stays in the queue to be read.
 */
export async function beatFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const broker = environment.brokerClient();
  const runs: BeatRun[] = [];
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      progress.step(`beat: ${BEATS} beats, a 1 s entry for ${options.beatSeconds} s, rep ${rep}/${options.reps}`);
      await broker.flushdb();
      const ports = await Promise.all(Array.from({ length: BEATS }, () => freePort()));
      const beats = await Promise.all(
        ports.map((port) =>
          startMain(
            'beat',
            environment.env({ QUEUE_PREFIX: PREFIX, BEAT_SCHEDULE: JSON.stringify(SCHEDULE), METRICS_PORT: String(port) }),
            options.nodeArgs,
          ),
        ),
      );
      try {
        const first = Math.ceil(Date.now() / 1000) * 1000 + 1000;
        const ticks = Array.from({ length: options.beatSeconds }, (_, index) => new Date(first + index * 1000));
        await sleep(first + options.beatSeconds * 1000 + 500 - Date.now());
        const pipeline = broker.pipeline();
        for (const tick of ticks) pipeline.hget(`${PREFIX}:default:${tickTaskId(ENTRY, tick)}`, 'timestamp');
        const stamps = ((await pipeline.exec()) ?? []).map(([, value]) => (value === null ? null : Number(value)));
        const lags = stamps.flatMap((stamp, index) => (stamp === null ? [] : [stamp - ticks[index].getTime()]));
        const jobs = await broker.llen(`${PREFIX}:default:wait`);
        const claimed = await enqueuedByBeats(ports.map((port) => `http://127.0.0.1:${port}/metrics`));
        runs.push({
          ticks: ticks.length,
          lagP50: percentile(lags, 50),
          lagP99: percentile(lags, 99),
          lagMax: Math.max(...lags),
          misses: stamps.filter((stamp) => stamp === null).length,
          // Bull adds an id once, so a second claim of a tick shows only in the beats' counts.
          duplicates: Math.max(0, claimed - jobs),
        });
      } finally {
        await Promise.all(beats.map((beat) => beat.child.stop()));
      }
    }
  } finally {
    broker.disconnect();
  }
  const m = (field: keyof BeatRun) => median(runs.map((run) => run[field]));
  const sum = (field: keyof BeatRun) => runs.reduce((total, run) => total + run[field], 0);
  return {
    rows: [
      {
        figure: `beat: ${BEATS} beats, 1 s entry, ${options.beatSeconds} s: enqueue − tick`,
        value: `p50 ${m('lagP50')} ms, p99 ${m('lagP99')} ms (medians), max ${Math.max(...runs.map((run) => run.lagMax))} ms (all repetitions)`,
        target: 'p99 ≤ 5 ms',
        met: m('lagP99') <= 5,
      },
      {
        figure: 'beat: duplicates, misses (all repetitions)',
        value: `${sum('duplicates')}, ${sum('misses')}`,
        target: '0, 0',
        met: sum('duplicates') + sum('misses') === 0,
      },
    ],
    data: { beats: BEATS, seconds: options.beatSeconds, runs },
  };
}
