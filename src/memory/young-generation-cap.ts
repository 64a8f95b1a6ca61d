import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, type HeapSpaceInfo, setFlagsFromString } from 'node:v8';
import type { Role } from '../roles';
import { startedWithV8Flag } from './node-flags';

/** The semi-space size a worker's young generation stops growing at: the Docker image's `--max-semi-space-size=16`. */
const WORKER_SEMI_SPACE_MB = 16;

/**
 * An api's: its requests leave little alive across a scavenge, so half the worker's size costs it no
 * throughput seen, and 16 MB less resident at the end of a load (BENCHMARKS.md, Memory target).
 */
const API_SEMI_SPACE_MB = 8;

/** The semi-space size a process of these roles caps its young generation at: the worker's wherever a worker runs. */
export function semiSpaceCapMb(roles: ReadonlySet<Role>): number {
  return roles.has('worker') || !roles.has('api') ? WORKER_SEMI_SPACE_MB : API_SEMI_SPACE_MB;
}

/** V8's own factor (`node --v8-options`), given back once a collection has shrunk the young generation. */
const V8_GROWTH_FACTOR = 2;

const MB = 1024 * 1024;

/** V8 sizes its semi-spaces in pages of 256 KB. */
const PAGE_BYTES = 256 * 1024;

function newSpace(): HeapSpaceInfo | undefined {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
}

/** The young generation's size: both semi-spaces, as V8 reports its new space. */
export function youngGenerationBytes(): number {
  return newSpace()?.space_size ?? 0;
}

/** One semi-space's capacity: its usable bytes, used and available, short of a few bytes per page. */
function semiSpaceBytes(): number {
  const space = newSpace();
  return space ? Math.ceil((space.space_used_size + space.space_available_size) / PAGE_BYTES) * PAGE_BYTES : 0;
}

// V8's flags are the process's, so is this state: one cap per process, installed by main.ts.
let installed = false;
let capBytes = WORKER_SEMI_SPACE_MB * MB;
let growing = true;
let holds = 0;

function setGrowing(grow: boolean): void {
  if (grow === growing) return;
  setFlagsFromString(`--semi-space-growth-factor=${grow ? V8_GROWTH_FACTOR : 1}`);
  growing = grow;
}

// V8 grows a semi-space to the factor times its size, which from a size it shrank to (twice the
// survivors, in pages) can land anywhere up to twice the cap: it may grow only where that stays within.
function adjust(): void {
  setGrowing(holds > 0 || V8_GROWTH_FACTOR * semiSpaceBytes() <= capBytes);
}

/**
 * Keeps V8's young generation within semi-spaces of `semiSpaceMb` in a process started
 * without `--max-semi-space-size`, as users run `node dist/main`. On a large host Node 24 lets it
 * grow to 64 MB semi-spaces under load, 128 MB of resident memory that V8 keeps until the heap trim
 * (BENCHMARKS.md, Memory). V8 fixes its maximum when the process starts, but reads its growth
 * factor each time it grows the young generation, after a scavenge: so after each collection the
 * factor is set to 1 where growing would pass the cap, and back to V8's own once a collection (the
 * trim's) has shrunk the young generation. The cap is a bound: from a size V8 shrank to, the young
 * generation may stop between half the cap and the cap. The observer lasts as long as the process.
 * @param semiSpaceMb the cap, one semi-space's size in MB ({@link semiSpaceCapMb})
 * @returns whether it capped it: false when Node's own flag rules.
 */
export function capYoungGeneration(semiSpaceMb: number): boolean {
  if (startedWithV8Flag('max-semi-space-size')) return false;
  installed = true;
  capBytes = semiSpaceMb * MB;
  new PerformanceObserver(adjust).observe({ entryTypes: ['gc'] });
  adjust();
  return true;
}

/**
 * Lets young generations grow as V8 would until the returned function is called. The growth
 * factor is the process's: while the main thread's young generation is at its cap, a worker
 * thread's could not grow either, and an allocation-heavy thread ran four times slower (1.7
 * against 0.45 s for 3 million objects, measured by hand). Isolated tasks hold it while they run;
 * the main thread may then grow past the cap until the heap trim. Does nothing where the cap is
 * not installed.
 */
export function holdYoungGenerationGrowth(): () => void {
  if (!installed) return () => undefined;
  holds++;
  setGrowing(true);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    adjust();
  };
}
