import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** The semi-space size the young generation stops growing at: the Docker image's `--max-semi-space-size=16`. */
export const SEMI_SPACE_CAP_MB = 16;

/** V8's own factor (`node --v8-options`), given back once a collection has shrunk the young generation. */
const V8_GROWTH_FACTOR = 2;

const MB = 1024 * 1024;

function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

/** Whether Node was started with its own cap, which is then left to rule. */
function semiSpaceSetByNode(): boolean {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.some((flag) => /^--max[-_]semi[-_]space[-_]size\b/.test(flag));
}

/**
 * Keeps V8's young generation at {@link SEMI_SPACE_CAP_MB} MB semi-spaces in a process started
 * without `--max-semi-space-size`, as users run `node dist/main`. On a large host Node 24 lets it
 * grow to 64 MB semi-spaces under load, 128 MB of resident memory that V8 keeps until the heap trim
 * (BENCHMARKS.md, Memory). V8 fixes its maximum when the process starts, but reads its growth
 * factor each time it grows the young generation, after a scavenge: so after each collection the
 * factor is set to 1 once the cap is reached, and back to V8's own once a collection (the trim's)
 * has shrunk it.
 * @returns the observer to disconnect, or undefined when Node's own flag rules.
 */
export function capYoungGeneration(): PerformanceObserver | undefined {
  if (semiSpaceSetByNode()) return undefined;
  // V8 reports both semi-spaces as the new space.
  const capBytes = 2 * SEMI_SPACE_CAP_MB * MB;
  let growing = true;
  const adjust = () => {
    const full = youngGenerationBytes() >= capBytes;
    if (full !== growing) return;
    setFlagsFromString(`--semi-space-growth-factor=${full ? 1 : V8_GROWTH_FACTOR}`);
    growing = !full;
  };
  const observer = new PerformanceObserver(adjust);
  observer.observe({ entryTypes: ['gc'] });
  adjust();
  return observer;
}
