import { CronTime } from 'cron';

/** When an entry fires: the next tick strictly after a moment. */
export interface Schedule {
  /** How the schedule was written (`every 10s`, `cron 0 8 * * 1`), for listings and logs. */
  readonly description: string;
  next(after: Date): Date;
}

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A malformed schedule; the message says what is expected. */
export class ScheduleSyntaxError extends Error {}

/**
 * `every: "10s"` (units s, m, h, d). Ticks are aligned to the clock: multiples of the interval
 * since the Unix epoch, so a 10 s entry fires at :00, :10, :20…, a restart does not shift it,
 * and every beat process computes the same tick times.
 */
export function intervalSchedule(every: string): Schedule {
  const match = /^(\d+)\s*([smhd])$/.exec(every.trim());
  const amount = match ? Number(match[1]) : 0;
  if (!match || amount <= 0) {
    throw new ScheduleSyntaxError(`every must be a positive whole number with a unit s, m, h or d, such as "10s" (got "${every}")`);
  }
  const intervalMs = amount * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return {
    description: `every ${amount}${match[2]}`,
    next: (after) => new Date((Math.floor(after.getTime() / intervalMs) + 1) * intervalMs),
  };
}

/**
 * A five-field crontab (`minute hour day-of-month month day-of-week`) evaluated in `timeZone`.
 * Across daylight saving a daily entry fires once on both days: when its time is skipped it fires
 * at the next valid minute, and when its time happens twice it fires on the first.
 */
export function cronSchedule(expression: string, timeZone: string): Schedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new ScheduleSyntaxError(`cron must have five fields (minute hour day month weekday), such as "0 8 * * 1" (got "${expression}")`);
  }
  let cron: CronTime;
  try {
    cron = new CronTime(fields.join(' '), timeZone);
  } catch (error) {
    throw new ScheduleSyntaxError(`cron "${expression}" is not valid: ${(error as Error).message}`);
  }
  return {
    description: `cron ${fields.join(' ')}`,
    next: (after) => cron.getNextDateFrom(after, timeZone).toJSDate(),
  };
}
