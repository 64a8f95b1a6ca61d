import { AppError } from '../../common/app-error';
import type { TimeLimitKind } from '../../metrics/metrics.service';

/**
 * The longest time limit, in seconds: Node's timers hold at most 2^31 − 1 ms (about 24.8 days) and
 * fire at once beyond it.
 */
export const MAX_TIME_LIMIT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/** A time limit in seconds: above 0 (fractions allowed, as Celery's) and within what a timer holds. */
export function isTimeLimit(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_TIME_LIMIT_SECONDS;
}

/** Why a soft limit cannot go with a hard one, or undefined when it can (or is not set). */
export function softLimitProblem(softTimeLimit: number | undefined, timeLimit: number): string | undefined {
  if (softTimeLimit === undefined || !(softTimeLimit >= timeLimit)) return undefined;
  return `softTimeLimit (${softTimeLimit} s) must be below timeLimit (${timeLimit} s), or it never comes first`;
}

/**
 * A call's time limits over its task's (`softTimeLimit`, `timeLimit` of `applyAsync`).
 * @throws AppError TASK_INVALID_OPTION
 */
export function resolveTimeLimits(
  task: { readonly softTimeLimit?: number; readonly timeLimit: number },
  call: { readonly softTimeLimit?: number; readonly timeLimit?: number },
): { softTimeLimit?: number; timeLimit: number } {
  for (const option of ['softTimeLimit', 'timeLimit'] as const) {
    const value = call[option] as unknown;
    if (value !== undefined && !isTimeLimit(value)) {
      const message = `${option} must be a number of seconds above 0, at most ${MAX_TIME_LIMIT_SECONDS} (got ${JSON.stringify(value)})`;
      throw new AppError('TASK_INVALID_OPTION', message, 'invalid');
    }
  }
  const timeLimit = call.timeLimit ?? task.timeLimit;
  const softTimeLimit = call.softTimeLimit ?? task.softTimeLimit;
  const problem = softLimitProblem(softTimeLimit, timeLimit);
  if (problem) throw new AppError('TASK_INVALID_OPTION', problem, 'invalid');
  return softTimeLimit === undefined ? { timeLimit } : { softTimeLimit, timeLimit };
}

/** What a task's error says when it was revoked with `terminate` while it ran. */
export const TERMINATED = 'terminated';

/**
 * How long a terminated run has to end through its signal (clean up, roll back) before it counts as
 * stopped: a handler that honours its signal ends within milliseconds, and the caller of the
 * terminate waits for the end, so it stays well under any HTTP timeout.
 */
export const TERMINATE_GRACE_MS = 2_000;

/** Seconds as a message shows them: `0.5 s`, `60 s`. */
const seconds = (ms: number) => `${ms / 1000} s`;

/**
 * The reason of `context.signal` at the soft time limit (Celery's `SoftTimeLimitExceeded`): a
 * handler that honours the signal ends with it, and may catch it to clean up first. It is retried
 * as any error is: only when `autoretryFor` allows it.
 */
export class SoftTimeLimitExceeded extends Error {
  constructor(limitMs: number) {
    super(`SoftTimeLimitExceeded: the run passed its soft time limit of ${seconds(limitMs)}`);
    this.name = 'SoftTimeLimitExceeded';
  }
}

/** How a run fails at its hard time limit (Celery's `TimeLimitExceeded`); the signal aborts with it too. */
export class TimeLimitExceeded extends Error {
  constructor(limitMs: number) {
    super(`TimeLimitExceeded: the run passed its time limit of ${seconds(limitMs)}`);
    this.name = 'TimeLimitExceeded';
  }
}

/** The reason of `context.signal` when the task is revoked with `terminate` while it runs. */
export class Terminated extends Error {
  constructor() {
    super(TERMINATED);
    this.name = 'Terminated';
  }
}

/** The limits of one run, in milliseconds. */
export interface RunLimits {
  /** When the handler's signal aborts with {@link SoftTimeLimitExceeded}; undefined: never. */
  readonly softMs?: number;
  /** When the run fails with {@link TimeLimitExceeded}. */
  readonly hardMs: number;
}

/**
 * One run of a task and the two signals that stop it:
 * - {@link signal}, the handler's `context.signal`: aborts at the soft limit, at the hard limit, or
 *   on a terminate, whichever comes first, with that reason. Cooperative: the handler decides.
 * - {@link hardStop}: aborts at the hard limit, or {@link TERMINATE_GRACE_MS} after a terminate.
 *   The run is over then: {@link race} rejects, the worker's slot is freed, and whatever executes
 *   the handler away from the main thread must stop it on this signal.
 *
 * A handler in the main thread cannot be stopped from outside: past the hard stop it may go on
 * running, and {@link overrun} says until when. Both signals are made when first asked for: most
 * runs end well within their limits, and an AbortController per run is most of what this costs.
 */
export class TaskRun {
  private cooperative?: AbortController;
  private hard?: AbortController;
  private readonly timers: NodeJS.Timeout[] = [];
  private work?: Promise<void>;
  private settled = false;
  private terminateRequested = false;
  /** Why the run was stopped, once it was. */
  private stopReason?: Error;
  private rejectRace?: (reason: Error) => void;

  /** @param onLimit told when the run reaches a time limit (not on a terminate). */
  constructor(
    private readonly limits: RunLimits,
    private readonly onLimit: (limit: TimeLimitKind) => void = () => undefined,
    private readonly graceMs = TERMINATE_GRACE_MS,
  ) {}

  get signal(): AbortSignal {
    this.cooperative ??= new AbortController();
    return this.cooperative.signal;
  }

  get hardStop(): AbortSignal {
    if (!this.hard) {
      this.hard = new AbortController();
      if (this.stopReason) this.hard.abort(this.stopReason);
    }
    return this.hard.signal;
  }

  /** Whether the run was asked to terminate (its task then ends REVOKED, never retried). */
  get terminated(): boolean {
    return this.terminateRequested;
  }

  /** Starts the clocks of the limits: call it as the handler starts. */
  start(): void {
    const { softMs, hardMs } = this.limits;
    if (softMs !== undefined) {
      this.timers.push(
        setTimeout(() => {
          this.abortSignal(new SoftTimeLimitExceeded(softMs));
          this.onLimit('soft');
        }, softMs),
      );
    }
    this.timers.push(
      setTimeout(() => {
        this.stop(new TimeLimitExceeded(hardMs));
        this.onLimit('hard');
      }, hardMs),
    );
  }

  /** Aborts the signal now and stops the run after the grace (Celery's `revoke(terminate=True)`). */
  terminate(): void {
    if (this.terminateRequested || this.stopReason) return;
    this.terminateRequested = true;
    const reason = new Terminated();
    this.abortSignal(reason);
    this.timers.push(setTimeout(() => this.stop(reason), this.graceMs));
  }

  /** The work's outcome, unless the hard stop comes first: then it rejects with the stop's reason. */
  race<T>(work: Promise<T>): Promise<T> {
    this.work = work.then(
      () => void (this.settled = true),
      () => void (this.settled = true),
    );
    if (this.stopReason) return Promise.reject(this.stopReason);
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      work.then(resolve, reject);
    });
  }

  /** Work the hard stop left running (a handler that ignores its signal): settles when it ends. */
  get overrun(): Promise<void> | undefined {
    return this.settled ? undefined : this.work;
  }

  /** Stops the clocks once the run is over. */
  end(): void {
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
  }

  private abortSignal(reason: Error): void {
    if (!this.signal.aborted) this.cooperative?.abort(reason);
  }

  private stop(reason: Error): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.abortSignal(reason);
    this.hard?.abort(reason);
    this.rejectRace?.(reason);
  }
}
