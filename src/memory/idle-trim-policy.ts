/** What decides when a process gives its heap's unused memory back. */
export interface IdleTrimSettings {
  /** How long the event loop must have been quiet, in ms. */
  readonly idleMs: number;
  /** The share of time (0–1) above which the event loop counts as busy. */
  readonly busyUtilization: number;
  /** How much the V8 heap must have grown since the last trim, in bytes, to be worth another. */
  readonly growthBytes: number;
}

/** One reading of the event loop and the heap, taken at each check. */
export interface IdleSample {
  /** Time since the previous reading, in ms. */
  readonly elapsedMs: number;
  /** The share of that time the event loop was busy (Node's event loop utilization). */
  readonly utilization: number;
  /** The V8 heap's committed size now, in bytes. */
  readonly heapBytes: number;
  /** Whether work is under way (see WorkInFlight), which a quiet event loop does not show when it waits on I/O. */
  readonly workInFlight: boolean;
}

/**
 * Trim once the event loop has been quiet, with no work in flight, for `idleMs`, and only if the heap grew since the last
 * trim: a process that stays idle is trimmed once, not at every check, and one that stays busy
 * never (a trim is a full collection that stops the event loop).
 */
export class IdleTrimPolicy {
  private quietMs = 0;
  /** The heap's size after the last trim; none yet, so the first quiet moment after start-up trims. */
  private trimmedHeapBytes = 0;

  constructor(private readonly settings: IdleTrimSettings) {}

  shouldTrim(sample: IdleSample): boolean {
    if (sample.workInFlight || sample.utilization > this.settings.busyUtilization) {
      this.quietMs = 0;
      return false;
    }
    this.quietMs += sample.elapsedMs;
    return this.quietMs >= this.settings.idleMs && sample.heapBytes >= this.trimmedHeapBytes + this.settings.growthBytes;
  }

  trimmed(heapBytes: number): void {
    this.trimmedHeapBytes = heapBytes;
    this.quietMs = 0;
  }
}

/**
 * How far a trim keeps from work expected to start (UpcomingWork): its pause, up to 120 ms in a
 * beat measured by hand (BENCHMARKS.md, Beat), with room.
 */
export const TRIM_CLEARANCE_MS = 500;
/** How long after the moment of the work it put off for a trim runs: a beat's claim, then its tick 20 ms later, are done. */
export const AFTER_WORK_MS = 100;

/**
 * How long to put off a trim that is due now: none when no work is expected within
 * {@link TRIM_CLEARANCE_MS}, else until {@link AFTER_WORK_MS} past the work's moment (past moments
 * count as now: the work is under way).
 * @param msUntilWork how long until the next expected work starts, if any is expected
 */
export function trimDelayMs(msUntilWork: number | undefined): number {
  if (msUntilWork === undefined || msUntilWork >= TRIM_CLEARANCE_MS) return 0;
  return Math.max(0, msUntilWork) + AFTER_WORK_MS;
}
