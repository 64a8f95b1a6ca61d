import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mainProcessSuite } from '../support/main-process-suite';

/** The young generation's largest size (both semi-spaces, MB) while the probe allocates, and the new space committed after the trim. */
interface YoungGenerationProbe {
  readonly capped: boolean;
  readonly grownMb: number;
  readonly trimmedMb: number;
  readonly regrownMb: number;
}

const PROBE = join(__dirname, '..', 'fixtures', 'young-generation-probe.cjs');

/** A worker thread's largest young generation (MB) with the main thread at its cap, without and with the growth held. */
interface ThreadProbe {
  readonly mainMb: number;
  readonly threadMb: number;
  readonly heldMb: number;
}

/** Runs the probe in a Node of its own: V8 fixes its heap's limits at start-up. */
async function runProbe<T>(nodeArgs: readonly string[], mode: 'cap' | 'none' | 'thread', nodeOptions = '', capMb = 16): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, PROBE, mode, String(capMb)], {
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
  });
  return JSON.parse(stdout) as T;
}

/** The figures of the trim's log line: each a pair, before and after. */
interface TrimLine {
  readonly pauseMs: number;
  readonly rssMb: [number, number];
  readonly heapMb: [number, number];
  readonly youngGenerationMb: [number, number];
}

describe('the heap given back once idle (e2e: node dist/main, real Redis)', () => {
  const suite = mainProcessSuite();

  it('a quiet beat shrinks its young generation and its resident memory after MEMORY_TRIM_IDLE_SECONDS', async () => {
    const sut = suite.start(['--role=beat'], { MEMORY_TRIM_IDLE_SECONDS: '1', LOG_LEVEL: 'debug' }, { nodeArgs: [] });
    await sut.ready();

    const trim = JSON.parse(await sut.waitForLine(/"msg":"Gave the idle heap back"/)) as TrimLine;

    // V8 grew the young generation for start-up; the last-resort collection leaves one page of it.
    expect(trim.youngGenerationMb[1]).toBeLessThan(trim.youngGenerationMb[0]);
    expect(trim.youngGenerationMb[1]).toBeLessThanOrEqual(1);
    expect(trim.heapMb[1]).toBeLessThan(trim.heapMb[0]);
    expect(trim.rssMb[1]).toBeLessThan(trim.rssMb[0]);
  });

  it('logs that it caps the young generation when Node has no --max-semi-space-size, and leaves it to the flag otherwise', async () => {
    const capped = suite.start(['--role=beat'], { LOG_LEVEL: 'debug' }, { nodeArgs: [] });
    await capped.waitForLine(/"msg":"Young generation capped at 16 MB semi-spaces"/);
    await capped.stop();

    // An api alone takes half a worker's; with a worker beside it, the worker's.
    const api = suite.start(['--role=api'], { LOG_LEVEL: 'debug' }, { nodeArgs: [] });
    await api.waitForLine(/"msg":"Young generation capped at 8 MB semi-spaces"/);
    await api.stop();
    const apiAndWorker = suite.start(['--role=api,worker'], { LOG_LEVEL: 'debug' }, { nodeArgs: [] });
    await apiAndWorker.waitForLine(/"msg":"Young generation capped at 16 MB semi-spaces"/);
    await apiAndWorker.stop();

    const flagged = suite.start(['--role=beat'], { LOG_LEVEL: 'debug' }, { nodeArgs: ['--max-semi-space-size=16'] });
    await flagged.waitForLine(/"msg":"Young generation left to --max-semi-space-size"/);
  });
});

describe('the young generation capped at 16 MB semi-spaces (a Node of its own, no flag)', () => {
  it('grows past 32 MB under a load of survivors without the cap: the load is enough to show it', async () => {
    const probe = await runProbe<YoungGenerationProbe>([], 'none');

    expect(probe.grownMb).toBeGreaterThanOrEqual(64);
  });

  // From a size V8 shrank to (twice the survivors, in pages) it may stop anywhere above half the cap.
  it('stays within 32 MB (two semi-spaces of 16) under the same load with the cap, and grows back after a trim', async () => {
    const probe = await runProbe<YoungGenerationProbe>([], 'cap');

    expect(probe.capped).toBe(true);
    expect(probe.grownMb).toBeGreaterThan(16);
    expect(probe.grownMb).toBeLessThanOrEqual(32);
    expect(probe.trimmedMb).toBeLessThanOrEqual(1);
    // V8's own growth factor is back once the trim shrank it: with the factor left at 1 it would
    // stay far below.
    expect(probe.regrownMb).toBeGreaterThan(16);
    expect(probe.regrownMb).toBeLessThanOrEqual(32);
  });

  it("stays within 16 MB (two semi-spaces of 8, an api's cap) under the same load", async () => {
    const probe = await runProbe<YoungGenerationProbe>([], 'cap', '', 8);

    expect(probe.capped).toBe(true);
    expect(probe.grownMb).toBeGreaterThan(8);
    expect(probe.grownMb).toBeLessThanOrEqual(16);
  });

  // V8 doubles a semi-space: from 3 MB, to 6, 12 and then 24, which would pass the cap.
  it('does not pass 32 MB when doubling would: semi-spaces that start at 3 MB stop at 12', async () => {
    const probe = await runProbe<YoungGenerationProbe>(['--min-semi-space-size=3'], 'cap');

    expect(probe.capped).toBe(true);
    expect(probe.grownMb).toBe(24);
    expect(probe.regrownMb).toBe(24);
  });

  it.each([
    ['on the command line', ['--max-semi-space-size=32'], ''],
    ['in NODE_OPTIONS', [], '--max-semi-space-size=32'],
  ])('leaves the size to --max-semi-space-size when Node was started with it %s', async (_where, nodeArgs, nodeOptions) => {
    const probe = await runProbe<YoungGenerationProbe>(nodeArgs, 'cap', nodeOptions);

    expect(probe.capped).toBe(false);
    expect(probe.grownMb).toBe(64);
  });

  // V8's growth factor is the process's: the isolated tasks' threads hold the growth while they run.
  it("keeps a worker thread's young generation small while the main thread is at its cap, and lets it grow while the growth is held", async () => {
    const threads = await runProbe<ThreadProbe>([], 'thread');

    expect(threads.mainMb).toBeGreaterThan(16);
    expect(threads.mainMb).toBeLessThanOrEqual(32);
    expect(threads.threadMb).toBeLessThan(32);
    expect(threads.heldMb).toBeGreaterThanOrEqual(64);
  });
});
