import { performance } from 'node:perf_hooks';
import type { Cluster, Redis } from 'ioredis';
import type { Rate } from './rate';

/** What the limiter answers a run: start now, or come back in `waitMs`. */
export type RateDecision =
  | {
      readonly granted: true;
      /** The start as the log holds it (ms since the epoch, Redis clock), or null for a leased start. */
      readonly startedAt: number | null;
    }
  | { readonly granted: false; readonly waitMs: number };

/** The fewest starts a lease holds: no lease while the window's free half has less room (and none below a limit of 64). */
export const MIN_LEASE_SIZE = 32;
/** The most starts one lease asks for: 100,000 starts a second for one task in one process. */
export const MAX_LEASE_SIZE = 10_000;
/** How long leased starts may be used; they are logged at the end of it, their latest possible start. */
export const LEASE_MS = 100;
/** A lease asks for this much more than the process used at its last lease's pace, to last its 100 ms. */
const LEASE_MARGIN = 1.25;

/**
 * How many starts to ask for next, from the last lease: `used` of its starts in `elapsedMs` (up to
 * the lease's end), scaled to a whole lease with a margin, from {@link MIN_LEASE_SIZE} to
 * {@link MAX_LEASE_SIZE}. Asking for what will be used keeps the window's count near the real
 * starts: the starts a lease leaves unused count all the same.
 */
export function leaseSizeAfter(used: number, elapsedMs: number): number {
  const pace = (used * LEASE_MS) / Math.max(elapsedMs, 1);
  return Math.min(MAX_LEASE_SIZE, Math.max(MIN_LEASE_SIZE, Math.ceil(pace * LEASE_MARGIN)));
}

/**
 * One script, run alone by Redis, so that every worker's decision sees every other's: a sliding
 * window log on the Redis clock (one clock for all workers, whatever theirs say).
 *
 * - The log holds, for each start granted, the latest moment it may happen. A run starts when fewer
 *   than `limit` starts are logged less than `window` ms ago: then no window of `window` ms ever
 *   holds more than `limit` starts (each start counted in the check of every later grant within a
 *   window of it). The grant is stamped on the job as Bull's `processedOn` (the status's `startedAt`).
 * - While the window's free half has room for `minLease` starts, a grant comes with a lease: as many
 *   starts as the worker asks for (`lease`), at most that room, the grant's own among them, the
 *   others for the asking worker to use within `leaseMs` (by its own clock, counted from before it
 *   asked). A lease is logged as one entry at the end of that time, its member prefixed with its
 *   count, in a log of its own beside a running total of the starts it holds, the total lowered
 *   as its entries leave the window: the same bound holds for its starts, and a limit far above the
 *   load costs one round trip per lease instead of one per start.
 * - Otherwise the run waits, and to spare a stampede of waiters all coming back when one start
 *   frees, it is told its turn: with `ahead` runs waiting before it, the start it can take frees
 *   `window` ms after start `ahead mod limit` of the log, plus a window per full round of `limit`
 *   waiters. Leased starts count there as the oldest, which makes a turn early, never late. A waiter
 *   that comes back and still finds no free start keeps its place in that line. The turn only spreads
 *   the returns: the log alone decides every start. `processedOn` is removed, as the run did not start.
 * - Waiters that never came back (revoked, expired) leave the line a window after their turn.
 *
 * KEYS: the log of single starts (sorted set, start → ms), the leases (sorted set, `count:start:job`
 * → ms), the starts the leases hold (string), the waiters (sorted set, job id → its turn), the job hash.
 * ARGV: limit, window ms, job id, lease asked for, fewest starts leased, lease ms.
 * Answers { 1, start ms, starts leased besides the grant's } or { 0, wait ms }.
 */
const ADMIT_SCRIPT = `
local limit, window, id = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local lease, minLease, leaseMs = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local ended = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - window)
if #ended > 0 then
  local count = 0
  for _, entry in ipairs(ended) do count = count + tonumber(string.match(entry, '^%d+')) end
  redis.call('DECRBY', KEYS[3], count)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
end
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - window)
local place = redis.call('ZSCORE', KEYS[4], id)
if place then redis.call('ZREM', KEYS[4], id) end
local job = redis.call('EXISTS', KEYS[5]) == 1
local leased = tonumber(redis.call('GET', KEYS[3]) or '0')
local started = redis.call('ZCARD', KEYS[1]) + leased
local room = math.floor(limit / 2) - started
if room >= minLease then
  local starts = math.min(lease, room)
  redis.call('ZADD', KEYS[2], now + leaseMs, starts .. ':' .. now .. ':' .. id)
  redis.call('INCRBY', KEYS[3], starts)
  redis.call('PEXPIRE', KEYS[2], window + leaseMs)
  redis.call('PEXPIRE', KEYS[3], window + leaseMs)
  if job then redis.call('HSET', KEYS[5], 'processedOn', now) end
  return { 1, now, starts - 1 }
end
if started < limit then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. started .. ':' .. id)
  if redis.call('PTTL', KEYS[1]) < window then redis.call('PEXPIRE', KEYS[1], window) end
  if job then redis.call('HSET', KEYS[5], 'processedOn', now) end
  return { 1, now, 0 }
end
local ahead
if place then ahead = redis.call('ZCOUNT', KEYS[4], '-inf', '(' .. place) else ahead = redis.call('ZCARD', KEYS[4]) end
local function oldest(key) return tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2]) or math.huge end
local nth = ahead % limit - leased
local freed
if nth >= 0 then freed = tonumber(redis.call('ZRANGE', KEYS[1], nth, nth, 'WITHSCORES')[2])
else freed = math.min(oldest(KEYS[1]), oldest(KEYS[2])) end
local turn = freed + window * (1 + math.floor(ahead / limit))
redis.call('ZADD', KEYS[4], turn, id)
local last = tonumber(redis.call('ZRANGE', KEYS[4], -1, -1, 'WITHSCORES')[2])
redis.call('PEXPIRE', KEYS[4], last - now + window)
if job then redis.call('HDEL', KEYS[5], 'processedOn') end
return { 0, turn - now }
`;

/** The name the script is defined under on a client: sent once, then run by its digest. */
const COMMAND = 'admitTaskStart';

type ScriptClient = (Redis | Cluster) & {
  [COMMAND]?: (
    starts: string,
    leases: string,
    leased: string,
    waiting: string,
    job: string,
    limit: number,
    windowMs: number,
    id: string,
    lease: number,
    minLease: number,
    leaseMs: number,
  ) => Promise<[number, number, number?]>;
};

/** Starts leased to this process for one task, usable until `until` (performance.now()). */
interface Lease {
  /** The starts it held, the grant's own among them. */
  size: number;
  remaining: number;
  readonly askedAt: number;
  readonly until: number;
}

/** What this process knows of one task's limiter. */
interface TaskLeases {
  lease?: Lease;
  /** How many starts the next lease asks for (see leaseSizeAfter). */
  want: number;
  /** Whether the last answer came with a lease: then runs that find none wait for the one asked. */
  leasing: boolean;
  /** The script call under way that should bring a lease; settles after the lease is held. */
  asking?: Promise<void>;
}

const LEASED: RateDecision = { granted: true, startedAt: null };

/**
 * Rate limits across every worker (Celery enforces `rate_limit` per worker: celery/celery#5927):
 * each run of a rate-limited task asks here before it starts: in one round trip, or in none while
 * this process holds starts leased to it.
 */
export class RateLimiter {
  private readonly tasks = new Map<string, TaskLeases>();

  /** @param prefix the queue key prefix (`QUEUE_PREFIX`, in braces on a Redis Cluster, which keeps these keys in the jobs' slot). */
  constructor(private readonly prefix: string) {}

  /**
   * Grants the start of a run of `task`, or answers how long it waits: at once, not as a promise,
   * for a start this process holds leased, so that the run need not await it (see TasksProcessor).
   * @param jobKey the job's hash, stamped with the start (Bull's `processedOn`) when granted.
   */
  admit(client: Redis | Cluster, task: string, rate: Rate, jobKey: string, jobId: string): RateDecision | Promise<RateDecision> {
    let leases = this.tasks.get(task);
    if (!leases) this.tasks.set(task, (leases = { want: MIN_LEASE_SIZE, leasing: true }));
    if (takeLeased(leases)) return LEASED;
    return leasedOrAsked(leases, () => this.ask(client, task, leases, rate, jobKey, jobId));
  }

  /** The keys of a task's limiter, beside the queues' under their prefix. */
  keysOf(task: string): { readonly starts: string; readonly leases: string; readonly leased: string; readonly waiting: string } {
    const base = `${this.prefix}:rate-limit:${task}`;
    return { starts: `${base}:starts`, leases: `${base}:leases`, leased: `${base}:leased`, waiting: `${base}:waiting` };
  }

  private async ask(
    client: Redis | Cluster,
    task: string,
    leases: TaskLeases,
    rate: Rate,
    jobKey: string,
    jobId: string,
  ): Promise<RateDecision> {
    const script = client as ScriptClient;
    if (!script[COMMAND]) client.defineCommand(COMMAND, { numberOfKeys: 5, lua: ADMIT_SCRIPT });
    const keys = this.keysOf(task);
    // Counted from before the script runs, so that no leased start is used after its logged moment.
    const askedAt = performance.now();
    const answer = script[COMMAND]!(
      keys.starts,
      keys.leases,
      keys.leased,
      keys.waiting,
      jobKey,
      rate.limit,
      rate.windowMs,
      jobId,
      leases.want,
      MIN_LEASE_SIZE,
      LEASE_MS,
    ).then(
      (answered) => {
        const [granted, , leased = 0] = answered;
        if (granted === 1 && leased > 0) hold(leases, leased + 1, askedAt);
        leases.leasing = leased > 0;
        leases.asking = undefined;
        return answered;
      },
      (error: unknown) => {
        leases.asking = undefined;
        throw error;
      },
    );
    // Near the limit no lease comes, and the runs ask side by side as they would without leases.
    if (leases.leasing) leases.asking = answer.then(noop, noop);
    const [granted, value] = await answer;
    return granted === 1 ? { granted: true, startedAt: value } : { granted: false, waitMs: value };
  }
}

/**
 * A start from the lease being asked for, or, with none being asked, from `ask`. One lease is asked
 * at a time: the runs that find the lease spent take from the next, instead of each asking for
 * (and leaving unused) a lease of its own.
 */
async function leasedOrAsked(leases: TaskLeases, ask: () => Promise<RateDecision>): Promise<RateDecision> {
  while (!takeLeased(leases)) {
    if (!leases.asking) return ask();
    await leases.asking;
  }
  return LEASED;
}

/** Takes a leased start if one is left; once the lease is spent or over, sizes the next from it. */
function takeLeased(leases: TaskLeases): boolean {
  const { lease } = leases;
  if (!lease) return false;
  const now = performance.now();
  if (lease.remaining > 0 && now < lease.until) {
    lease.remaining--;
    return true;
  }
  leases.want = leaseSizeAfter(lease.size - lease.remaining, Math.min(now, lease.until) - lease.askedAt);
  leases.lease = undefined;
  return false;
}

/** Holds a lease of `size` starts, the grant's own among them; runs that asked together add theirs up, usable until the earliest ends. */
function hold(leases: TaskLeases, size: number, askedAt: number): void {
  const held = leases.lease && performance.now() < leases.lease.until ? leases.lease : undefined;
  leases.lease = {
    size: size + (held?.size ?? 0),
    remaining: size - 1 + (held?.remaining ?? 0),
    askedAt: Math.min(askedAt, held?.askedAt ?? Infinity),
    until: Math.min(askedAt + LEASE_MS, held?.until ?? Infinity),
  };
}

function noop(): void {}
