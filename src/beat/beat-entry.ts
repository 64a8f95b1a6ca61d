import { cronSchedule, intervalSchedule, type Schedule, ScheduleSyntaxError } from './schedule';

/** An entry as written in code or in `BEAT_SCHEDULE`: the seed's `beat_schedule` items. */
export interface BeatEntrySpec {
  readonly task: string;
  /** An interval such as `"10s"`, `"5m"`; exactly one of `every` and `cron`. */
  readonly every?: string;
  /** A five-field crontab such as `"0 8 * * 1"` (every Monday 8:00), in `BEAT_TIMEZONE`. */
  readonly cron?: string;
  /** @defaultValue [] */
  readonly args?: readonly unknown[];
  /** @defaultValue {} */
  readonly kwargs?: Readonly<Record<string, unknown>>;
  /** @defaultValue true */
  readonly enabled?: boolean;
  /** Skip a tick while the entry's previous task has not started yet. @defaultValue false */
  readonly skipIfPending?: boolean;
}

/** A validated entry, ready to be scheduled. */
export interface BeatEntry {
  readonly name: string;
  readonly task: string;
  readonly schedule: Schedule;
  readonly args: readonly unknown[];
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
  readonly skipIfPending: boolean;
}

/** An entry that cannot be scheduled; the message names it. */
export class BeatEntryError extends Error {
  constructor(entry: string, problem: string) {
    super(`Beat entry "${entry}": ${problem}`);
    this.name = 'BeatEntryError';
  }
}

/** The seed's schedule: refresh the banner cache every 10 s; `test_task(666)` every 3 s, off. */
export const DEFAULT_BEAT_SCHEDULE: Readonly<Record<string, BeatEntrySpec>> = {
  'update-banner-list': { task: 'update_banner_list', every: '10s', skipIfPending: true },
  'test-task': { task: 'test_task', every: '3s', args: [666], enabled: false },
};

const SPEC_KEYS = new Set(['task', 'every', 'cron', 'args', 'kwargs', 'enabled', 'skipIfPending']);
const ENTRY_NAME = /^[\w.-]{1,64}$/;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Lays the overrides (from `BEAT_SCHEDULE`) over the defaults, entry by entry: a field given
 * replaces the default's, and giving `every` or `cron` replaces the other. A name that is not a
 * default adds an entry.
 */
export function mergeBeatSchedule(
  defaults: Readonly<Record<string, BeatEntrySpec>>,
  overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [name, override] of Object.entries(overrides)) {
    if (!isPlainObject(override)) throw new BeatEntryError(name, 'must be an object');
    const base: Record<string, unknown> = { ...(defaults[name] ?? {}) };
    if ('every' in override || 'cron' in override) {
      delete base.every;
      delete base.cron;
    }
    merged[name] = { ...base, ...override };
  }
  return merged;
}

/**
 * Checks one entry's shape and parses its schedule. Whether the task exists and accepts the
 * arguments is checked against the task registry by the caller.
 * @throws BeatEntryError naming the entry.
 */
export function parseBeatEntry(name: string, spec: unknown, timeZone: string): BeatEntry {
  if (!ENTRY_NAME.test(name)) throw new BeatEntryError(name, 'the name must be letters, digits, _, . or - (at most 64)');
  if (!isPlainObject(spec)) throw new BeatEntryError(name, 'must be an object');
  const unknown = Object.keys(spec).filter((key) => !SPEC_KEYS.has(key));
  if (unknown.length > 0) throw new BeatEntryError(name, `unknown field(s) ${unknown.join(', ')}`);
  const { task, every, cron, args = [], kwargs = {}, enabled = true, skipIfPending = false } = spec;

  if (typeof task !== 'string' || task === '') throw new BeatEntryError(name, 'task must be a task name');
  if ((every === undefined) === (cron === undefined)) {
    throw new BeatEntryError(name, 'needs exactly one of every (such as "10s") and cron (such as "0 8 * * 1")');
  }
  if (!Array.isArray(args)) throw new BeatEntryError(name, 'args must be an array');
  if (!isPlainObject(kwargs)) throw new BeatEntryError(name, 'kwargs must be an object');
  if (typeof enabled !== 'boolean') throw new BeatEntryError(name, 'enabled must be true or false');
  if (typeof skipIfPending !== 'boolean') throw new BeatEntryError(name, 'skipIfPending must be true or false');

  let schedule: Schedule;
  try {
    if (every !== undefined) {
      if (typeof every !== 'string') throw new ScheduleSyntaxError('every must be a string such as "10s"');
      schedule = intervalSchedule(every);
    } else {
      if (typeof cron !== 'string') throw new ScheduleSyntaxError('cron must be a string such as "0 8 * * 1"');
      schedule = cronSchedule(cron, timeZone);
    }
  } catch (error) {
    if (error instanceof ScheduleSyntaxError) throw new BeatEntryError(name, error.message);
    throw error;
  }
  return { name, task, schedule, args, kwargs, enabled, skipIfPending };
}
