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
