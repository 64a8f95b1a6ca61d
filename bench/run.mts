/**
 * `npm run bench`: builds, then measures the built service (`node dist/main`) against the local
 * MariaDB and Redis, and prints the table BENCHMARKS.md quotes. Every figure is the median of
 * `--reps` repetitions (a "max" the maximum over all of them), and every comparison the median of
 * the ratios of pairs measured back to back in the same run, the sides taking turns at going first.
 *
 *   npm run bench -- --only=http,tasks --reps=1 --duration=3 --tasks=2000 --beat-seconds=10
 *
 * The bench's files are run by Node as they are (type stripping): no enums, namespaces or
 * parameter properties in them.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { beatFigure } from './figures/beat.mts';
import { enqueueFigure } from './figures/enqueue.mts';
import { etaFigure } from './figures/eta.mts';
import { httpFigure } from './figures/http.mts';
import { isolatedFigure } from './figures/isolated.mts';
import { memoryFigure } from './figures/memory.mts';
import { RATE_LIMIT_PAIRS_PER_REP, rateLimitFigure } from './figures/rate-limit.mts';
import { stampedeFigure } from './figures/stampede.mts';
import { tasksFigure } from './figures/tasks.mts';
import { CHORD_PAIRS_PER_REP, workflowsFigure } from './figures/workflows.mts';
import type { BenchContext, BenchOptions } from './lib/context.mts';
import { BenchEnvironment } from './lib/environment.mts';
import { killAll, LOG_DIRECTORY, startMain } from './lib/processes.mts';
import { Progress } from './lib/progress.mts';
import { describeMachine, type FigureResult, markdownTable, type Row, writeResults } from './lib/report.mts';
import { round } from './lib/stats.mts';

const FIGURES = {
  http: { run: httpFigure, plannedSeconds: (o: BenchOptions) => 15 + 12 + o.reps * 4 * o.durationSeconds },
  stampede: { run: stampedeFigure, plannedSeconds: (o: BenchOptions) => 8 + o.reps * 2 },
  tasks: { run: tasksFigure, plannedSeconds: (o: BenchOptions) => 20 + (o.reps + 1) * 4 * (o.tasks / 1500) },
  'rate-limit': {
    run: rateLimitFigure,
    plannedSeconds: (o: BenchOptions) => 20 + (o.reps * RATE_LIMIT_PAIRS_PER_REP + 1) * 4 * (o.tasks / 1500),
  },
  enqueue: { run: enqueueFigure, plannedSeconds: (o: BenchOptions) => 10 + (o.reps + 1) * 2 * (o.tasks / 1500) },
  eta: { run: etaFigure, plannedSeconds: (o: BenchOptions) => 8 + o.reps * 8 },
  beat: { run: beatFigure, plannedSeconds: (o: BenchOptions) => o.reps * (o.beatSeconds + 8) },
  memory: {
    run: memoryFigure,
    plannedSeconds: (o: BenchOptions) => 2 * (40 + Math.max(o.beatSeconds - 15, o.durationSeconds + 2 * (o.tasks / 1500))),
  },
  workflows: { run: workflowsFigure, plannedSeconds: (o: BenchOptions) => 10 + o.reps * (CHORD_PAIRS_PER_REP + 1) },
  isolated: { run: isolatedFigure, plannedSeconds: (o: BenchOptions) => 15 + (o.reps + 1) * 2 * (o.tasks / 1000) },
} as const satisfies Record<
  string,
  { run: (context: BenchContext) => Promise<FigureResult>; plannedSeconds: (options: BenchOptions) => number }
>;
type FigureName = keyof typeof FIGURES;

function readOptions(): { only: FigureName[]; options: BenchOptions } {
  const { values } = parseArgs({
    options: {
      only: { type: 'string', default: process.env.BENCH_ONLY ?? Object.keys(FIGURES).join(',') },
      reps: { type: 'string', default: process.env.BENCH_REPS ?? '3' },
      duration: { type: 'string', default: process.env.BENCH_DURATION_SECONDS ?? '10' },
      connections: { type: 'string', default: process.env.BENCH_CONNECTIONS ?? '50' },
      tasks: { type: 'string', default: process.env.BENCH_TASKS ?? '20000' },
      'beat-seconds': { type: 'string', default: process.env.BENCH_BEAT_SECONDS ?? '30' },
      'node-args': { type: 'string', default: process.env.BENCH_NODE_ARGS ?? '' },
    },
  });
  const only = values.only.split(',').map((name) => name.trim()) as FigureName[];
  const unknown = only.filter((name) => !(name in FIGURES));
  if (unknown.length > 0) throw new Error(`Unknown figure(s) ${unknown.join(', ')}: choose from ${Object.keys(FIGURES).join(', ')}`);
  const count = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1 (got "${text}")`);
    return value;
  };
  return {
    only,
    options: {
      reps: count('reps', values.reps),
      durationSeconds: count('duration', values.duration),
      connections: count('connections', values.connections),
      tasks: count('tasks', values.tasks),
      beatSeconds: count('beat-seconds', values['beat-seconds']),
      nodeArgs: values['node-args'].split(' ').filter(Boolean),
    },
  };
}

async function main(): Promise<void> {
  const { only, options } = readOptions();
  const startedAt = new Date();
  const machine = describeMachine();
  const progress = new Progress(only.reduce((total, name) => total + FIGURES[name].plannedSeconds(options) * 1000, 10_000));
  const environment = new BenchEnvironment();
  const context: BenchContext = { environment, options, progress };
  const interrupted = () => {
    killAll();
    rmSync(LOG_DIRECTORY, { recursive: true, force: true });
    void environment.dispose().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);

  const rows: Row[] = [];
  const data: Record<string, unknown> = {};
  try {
    progress.step('preparing: database, migrations, banners, private broker');
    await environment.start();
    const migrator = await startMain('api', environment.env());
    await migrator.child.stop();
    await environment.seedBanners();
    for (const name of only) {
      const result = await FIGURES[name].run(context);
      rows.push(...result.rows);
      data[name] = result.data;
      progress.note(markdownTable(result.rows).split('\n').slice(2).join('\n'));
    }
  } catch (error) {
    killAll();
    progress.note(`The bench failed; the services' logs are in ${LOG_DIRECTORY}`);
    throw error;
  } finally {
    await environment.dispose();
  }
  rmSync(LOG_DIRECTORY, { recursive: true, force: true });
  progress.done();

  const finishedMachine = { ...machine, loadAverage: { ...machine.loadAverage, end: loadavg()[0] } };
  const path = writeResults(startedAt, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: finishedMachine,
    options: { only, ...options },
    table: rows,
    figures: data,
  });
  console.log(
    `\n${machine.cores} × ${machine.cpu}, ${machine.memoryGb} GB, Node ${machine.node}, load average ${round(machine.loadAverage.start, 1)} → ${round(finishedMachine.loadAverage.end, 1)}\n`,
  );
  console.log(markdownTable(rows));
  console.log(`\nWritten to ${path}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
