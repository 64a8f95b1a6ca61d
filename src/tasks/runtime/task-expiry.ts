import { AppError } from '../../common/app-error';

/** An ISO-8601 date-time with its time zone offset, as `eta` takes it. */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** What a task's error says when it expired before it started. */
export const EXPIRED = 'expired';

/** How the worker ends a task that expired before it started: REVOKED, never retried. */
export class Expired extends Error {
  constructor() {
    super(EXPIRED);
    this.name = 'Expired';
  }
}

function invalid(expires: unknown): AppError {
  return new AppError(
    'TASK_INVALID_OPTION',
    `expires must be a number of seconds above 0 or an ISO-8601 date-time with its offset (got ${JSON.stringify(expires)})`,
    'invalid',
  );
}

/**
 * Celery's `expires`: the moment after which a task that has not started never runs.
 * @param expires seconds from `now`, or an ISO-8601 date-time with its offset; undefined: never.
 * @throws AppError TASK_INVALID_OPTION
 */
export function resolveExpiry(expires: unknown, now: number): Date | null {
  if (expires === undefined) return null;
  if (typeof expires === 'number') {
    const moment = new Date(now + Math.round(expires * 1000));
    if (!(expires > 0) || Number.isNaN(moment.getTime())) throw invalid(expires);
    return moment;
  }
  if (typeof expires !== 'string' || !ISO_WITH_OFFSET.test(expires) || Number.isNaN(Date.parse(expires))) throw invalid(expires);
  return new Date(expires);
}

/** Whether a task due to expire at `expires` (ISO-8601, or none) may no longer start at `now`. */
export function hasExpired(expires: string | undefined, now: number): boolean {
  return expires !== undefined && now >= Date.parse(expires);
}
