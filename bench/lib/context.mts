import type { BenchEnvironment } from './environment.mts';
import type { Progress } from './progress.mts';

/** What the command line chose; see bench/run.mts. */
export interface BenchOptions {
  readonly reps: number;
  readonly durationSeconds: number;
  readonly connections: number;
  readonly tasks: number;
  readonly beatSeconds: number;
  /** Extra Node flags for the service's processes, e.g. `--cpu-prof` to profile them. */
  readonly nodeArgs: readonly string[];
}

export interface BenchContext {
  readonly environment: BenchEnvironment;
  readonly options: BenchOptions;
  readonly progress: Progress;
}
