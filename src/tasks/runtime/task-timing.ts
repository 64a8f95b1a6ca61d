import { AppError } from '../../common/app-error';

/** When a task may run: Celery's `countdown` (seconds from now) or `eta` (a moment), not both. */
export interface TaskTiming {
  /** Seconds from now; fractions allowed. */
  readonly countdown?: number;
  /** An ISO-8601 date-time with a time zone offset (`Z` or `±hh:mm`), or a Date. */
  readonly eta?: string | Date;
}

/** The resolved timing: how long Bull holds the job back, and the due moment (none: at once). */
export interface ResolvedTiming {
  readonly delayMs: number;
  readonly eta: Date | null;
}

const ISO_DATE_TIME = /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(?<zone>Z|[+-]\d{2}:?\d{2})?$/i;

/** `Date` rolls 2030-02-30 over into March; a caller who wrote it made a mistake. */
function isRealDay(year: number, month: number, day: number): boolean {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

function invalid(message: string): AppError {
  return new AppError('TASK_INVALID_SCHEDULE', message, 'invalid');
}

function parseEta(eta: string | Date): Date {
  if (eta instanceof Date) {
    if (Number.isNaN(eta.getTime())) throw invalid('eta is an invalid Date');
    return eta;
  }
  const match = ISO_DATE_TIME.exec(eta);
  if (!match) throw invalid(`eta must be an ISO-8601 date-time such as 2030-05-01T10:00:00+08:00 (got "${eta}")`);
  if (!match.groups?.zone) {
    throw invalid(
      `eta "${eta}" has no time zone offset: add Z or ±hh:mm (e.g. ${eta}+08:00). ` +
        "A local time is ambiguous: Celery reads it as UTC, so the seed's datetime.now() + 10 s " +
        'in Asia/Shanghai runs 8 hours late, silently.',
    );
  }
  const { year, month, day } = match.groups;
  const date = new Date(eta);
  if (Number.isNaN(date.getTime()) || !isRealDay(Number(year), Number(month), Number(day)))
    throw invalid(`eta "${eta}" is not a real date-time`);
  return date;
}

/** How a delay is said in an error message: in days when it is whole days. */
function describeDelay(ms: number): string {
  const days = ms / 86_400_000;
  return Number.isInteger(days) ? `${days} days` : `${ms / 1000} s`;
}

/**
 * Applies Celery's timing rules: `countdown` or `eta` (never both), an `eta` in the past runs at
 * once, an `eta` must carry its time zone; and ours: neither may put the task further ahead than
 * `maxDelayMs`, since a delayed job occupies the noeviction broker until it runs.
 * @param now the current time in ms since the epoch.
 * @param maxDelayMs TASK_MAX_DELAY.
 * @throws AppError `TASK_INVALID_SCHEDULE` saying what to change.
 */
export function resolveTiming(timing: TaskTiming, now: number, maxDelayMs: number): ResolvedTiming {
  const resolved = resolveDue(timing, now);
  if (resolved.delayMs > maxDelayMs) {
    const given = timing.countdown !== undefined ? 'countdown' : 'eta';
    throw invalid(`${given} is more than ${describeDelay(maxDelayMs)} ahead (TASK_MAX_DELAY)`);
  }
  return resolved;
}

function resolveDue(timing: TaskTiming, now: number): ResolvedTiming {
  const { countdown, eta } = timing;
  if (countdown !== undefined && eta !== undefined) {
    throw invalid('Give either countdown or eta, not both');
  }
  if (countdown !== undefined) {
    if (!Number.isFinite(countdown) || countdown < 0) {
      throw invalid(`countdown must be a number of seconds, 0 or more (got ${countdown})`);
    }
    const delayMs = Math.round(countdown * 1000);
    const due = new Date(now + delayMs);
    // A Date ends in the year 275760; past it the due moment would be an invalid Date.
    if (Number.isNaN(due.getTime())) throw invalid(`countdown is too far in the future (got ${countdown})`);
    return { delayMs, eta: due };
  }
  if (eta !== undefined) {
    const due = parseEta(eta);
    return { delayMs: Math.max(0, due.getTime() - now), eta: due };
  }
  return { delayMs: 0, eta: null };
}
