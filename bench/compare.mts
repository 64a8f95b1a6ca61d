/**
 * `npm run bench:compare -- <checkout A> <checkout B>`: the cached read of two builds of the
 * service, each a checkout with its `dist/` built (a git worktree of another commit, say), measured
 * against each other in many short turns: in each round both answer the same load back to back,
 * taking turns at going first. What a change buys a hit is a few percent, and on a shared machine
 * the speed of both sides drifts by more than that within a minute: short turns keep the two sides
 * of a pair in the same moment. Prints, and writes to `bench/results/<timestamp>-compare.json`,
 * B's req/s over A's and A's CPU per request over B's, per round, with their median, min and max.
 *
 *   npm run bench:compare -- /tmp/before /tmp/after --rounds=20 --seconds=3
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Load, load } from './figures/http.mts';
import { BenchEnvironment } from './lib/environment.mts';
import { killAll, startMain } from './lib/processes.mts';
import { describeMachine, writeResults } from './lib/report.mts';
import { alternate, formatRatio, pairedRatio } from './lib/stats.mts';

const WARM_UP_SECONDS = 3;

/** The commit a checkout is at, or undefined outside git. */
function commitOf(directory: string): string | undefined {
  try {
    return execFileSync('git', ['-C', directory, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function readOptions() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rounds: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
    },
  });
  if (positionals.length !== 2) throw new Error('Give two checkouts, each with its dist/ built: bench/compare.mts <A> <B>');
  const count = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number ≥ 1 (got "${values[name]}")`);
    return value;
  };
  const [a, b] = positionals.map((directory) => resolve(directory));
  return { a, b, rounds: count('rounds'), seconds: count('seconds'), connections: count('connections') };
}

async function main(): Promise<void> {
  const { a, b, rounds, seconds, connections } = readOptions();
  const startedAt = new Date();
  const environment = new BenchEnvironment();
  process.once('SIGINT', () => {
    killAll();
    void environment.dispose().finally(() => process.exit(130));
  });
  await environment.start();
  try {
    const migrator = await startMain('api', environment.env(), [], 'image', `${a}/dist/main.js`);
    await migrator.child.stop();
    await environment.seedBanners();
    const sides = await Promise.all([a, b].map((checkout) => startMain('api', environment.env(), [], 'image', `${checkout}/dist/main.js`)));
    const [sideA, sideB] = sides.map(({ child, url }) => ({ child, url: url! }));
    try {
      for (const side of [sideA, sideB, sideA, sideB]) await load(side.child, side.url, connections, WARM_UP_SECONDS);
      const measured: Record<'a' | 'b', Load[]> = { a: [], b: [] };
      for (let round = 1; round <= rounds; round++) {
        for (const name of alternate(round, 'a', 'b') as ('a' | 'b')[]) {
          const side = name === 'a' ? sideA : sideB;
          measured[name].push(await load(side.child, side.url, connections, seconds));
        }
        process.stdout.write(`\rround ${round}/${rounds}`);
      }
      const field = (name: 'a' | 'b', key: 'requestsPerSecond' | 'cpuUs') => measured[name].map((run) => run[key]);
      const requestsPerSecond = pairedRatio(field('b', 'requestsPerSecond'), field('a', 'requestsPerSecond'));
      const cpuPerRequest = pairedRatio(field('a', 'cpuUs'), field('b', 'cpuUs'));
      process.stdout.write(
        `\nB ÷ A, req/s, per round: ${formatRatio(requestsPerSecond)}\nA ÷ B, CPU per request, per round: ${formatRatio(cpuPerRequest)}\n`,
      );
      const path = writeResults(
        startedAt,
        {
          startedAt,
          finishedAt: new Date(),
          machine: describeMachine(),
          options: { rounds, seconds, connections },
          a: { checkout: a, commit: commitOf(a), rounds: measured.a },
          b: { checkout: b, commit: commitOf(b), rounds: measured.b },
          requestsPerSecond,
          cpuPerRequest,
        },
        '-compare',
      );
      process.stdout.write(`${path}\n`);
    } finally {
      await Promise.all([sideA.child.stop(), sideB.child.stop()]);
    }
  } finally {
    await environment.dispose();
  }
}

await main();
