import type { WorkInFlight } from '../../memory/work-in-flight';

/**
 * How long before a delayed task is due the worker gets ready for it: its heartbeat thread takes
 * 0.1–0.3 s of CPU to start (BENCHMARKS.md, Eta), and the heap trim reads the worker's state once
 * a second (HeapTrimmer), so a shorter spell could pass unseen between two readings.
 */
export const READY_AHEAD_MS = 1_500;

/**
 * Readies a worker for its delayed tasks (an eta, a countdown, a retry's backoff): from
 * READY_AHEAD_MS before the next one is due until it is, the worker counts as working
 * (WorkInFlight). Its heartbeat thread then starts, and its heap trim holds off, ahead of the due
 * moment instead of on it, where either would make the task start late.
 *
 * Each queue tells when its next delayed task is due (Bull's delay timer, see
 * promoteDueJobsOnTime); the earliest one still ahead is the one readied for.
 */
export class DueTaskReadiness {
  private readonly nextDue = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  /** When the task readied for is due, while the worker counts as working for it. */
  private readyFor?: number;
  private stopped = false;

  constructor(private readonly work: Pick<WorkInFlight, 'begin' | 'end'>) {}

  /** The next delayed task of `queue` is due at `dueAtMs` (ms since the epoch). */
  comesDueAt(queue: string, dueAtMs: number): void {
    this.nextDue.set(queue, dueAtMs);
    if (this.readyFor === undefined) this.arm();
  }

  /** No more readying: a stopping worker takes no task. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.finish();
  }

  /** Waits for the earliest due time still ahead, READY_AHEAD_MS before it. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    const now = Date.now();
    const dueAt = Math.min(...[...this.nextDue.values()].filter((at) => at > now));
    if (dueAt === Infinity) return;
    // Node warns of a negative delay (TimeoutNegativeWarning): a task due sooner is readied for at once.
    this.timer = setTimeout(() => this.ready(dueAt), Math.max(0, dueAt - READY_AHEAD_MS - now)).unref();
  }

  private ready(dueAt: number): void {
    this.readyFor = dueAt;
    this.work.begin();
    this.timer = setTimeout(
      () => {
        this.finish();
        this.arm();
      },
      Math.max(0, dueAt - Date.now()),
    ).unref();
  }

  private finish(): void {
    if (this.readyFor === undefined) return;
    this.readyFor = undefined;
    this.work.end();
  }
}
