/** A task's rate limit: at most `limit` starts in any `windowMs` ms, whichever workers start them. */
export interface Rate {
  readonly limit: number;
  readonly windowMs: number;
}

const WINDOW_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** Celery's `rate_limit` written as a count per unit: `10/s`, `100/m`, `1000/h`. */
const RATE = /^([1-9]\d*)\/([smh])$/;

/** The most starts one window may hold: the limiter keeps one entry per start of the window. */
export const MAX_RATE_LIMIT = 1_000_000;

/**
 * Reads a rate limit as Celery writes one (`10/s`, `100/m`, `1000/h`): a whole number of starts,
 * from 1 to {@link MAX_RATE_LIMIT}, per second, minute or hour.
 * @returns null when the text is not one.
 */
export function parseRate(text: unknown): Rate | null {
  const match = typeof text === 'string' ? RATE.exec(text) : null;
  if (!match) return null;
  const limit = Number(match[1]);
  if (limit > MAX_RATE_LIMIT) return null;
  return { limit, windowMs: WINDOW_MS[match[2] as keyof typeof WINDOW_MS] };
}
