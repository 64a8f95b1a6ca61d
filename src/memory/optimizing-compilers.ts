import { setFlagsFromString } from 'node:v8';
import type { Role } from '../roles';
import { startedWithV8Flag } from './node-flags';

/** V8's optimizing tiers; the interpreter (Ignition) and the baseline compiler (Sparkplug) stay. */
const OPTIMIZING_COMPILERS = ['maglev', 'turbofan'] as const;

/** The flags that choose V8's tiers; a process started with any of them keeps its choice. */
const TIER_FLAGS = [...OPTIMIZING_COMPILERS, 'opt', 'jitless', 'sparkplug'];

/**
 * Whether a process of these roles is better off without V8's optimizing compilers: the beat
 * alone. It runs a few function calls per tick, never hot enough to gain from optimized code, yet
 * V8 compiles its start-up's hot functions anyway, and the compilers' code and memory stay resident
 * for the life of the process: about 7 MB of a beat's 90 MB (BENCHMARKS.md, Memory target). Any
 * process that serves requests or runs tasks keeps them.
 */
export function optimizingCompilersUnneeded(roles: ReadonlySet<Role>): boolean {
  return roles.size === 1 && roles.has('beat') && !startedWithV8Flag(...TIER_FLAGS);
}

/**
 * Turns off V8's optimizing compilers for the rest of the process, before the application loads so
 * that none of its start-up is compiled by them. Its code then runs in V8's interpreter and
 * baseline compiler.
 */
export function turnOffOptimizingCompilers(): void {
  for (const compiler of OPTIMIZING_COMPILERS) setFlagsFromString(`--no-${compiler}`);
}
