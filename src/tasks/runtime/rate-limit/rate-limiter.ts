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

/** Starts leased at once while the window is less than half full: one round trip for so many. */
export const LEASE_SIZE = 32;
/** How long leased starts may be used; they are logged at the end of it, their latest possible start. */
export const LEASE_MS = 100;

/**
 * One script, run alone by Redis, so that every worker's decision sees every other's: a sliding
 * window log on the Redis clock (one clock for all workers, whatever theirs say).
 *
 * - The log holds, for each start granted, the latest moment it may happen. A run starts when fewer
 *   than `limit` entries are less than `window` ms old: then no window of `window` ms ever holds
 *   more than `limit` starts (each start counted in the check of every later grant within a window
 *   of it). The grant is stamped on the job as Bull's `processedOn` (the status's `startedAt`).
 * - While the window is less than half full, a grant comes with `lease - 1` more starts for the
 *   asking worker to use within `leaseMs` (by its own clock, counted from before it asked), logged
 *   at the end of that time: the same bound holds for them, and a limit far above the load costs
 *   one round trip per `lease` starts instead of one per start.
 * - Otherwise the run waits, and to spare a stampede of waiters all coming back when one start
 *   frees, it is told its turn: with `ahead` runs waiting before it, the start it can take frees
 *   `window` ms after log entry `ahead mod limit`, plus a window per full round of `limit` waiters.
 *   A waiter that comes back and still finds no free start keeps its place in that line. The turn
 *   only spreads the returns: the log alone decides every start. `processedOn` is removed, as the
 *   run did not start.
 * - Waiters that never came back (revoked, expired) leave the line a window after their turn.
 *
 * KEYS: the log (sorted set, start → ms), the waiters (sorted set, job id → its turn), the job hash.
 * ARGV: limit, window ms, job id, lease, lease ms. Answers { 1, start ms, starts leased } or { 0, wait ms }.
 */
const ADMIT_SCRIPT = `
local limit, window, id, lease, leaseMs = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
local place = redis.call('ZSCORE', KEYS[2], id)
if place then redis.call('ZREM', KEYS[2], id) end
local job = redis.call('EXISTS', KEYS[3]) == 1
local started = redis.call('ZCARD', KEYS[1])
if started + lease <= limit / 2 then
  local entries = {}
  for i = 0, lease - 1 do
    entries[#entries + 1] = now + leaseMs
    entries[#entries + 1] = now .. ':' .. (started + i) .. ':' .. id
  end
  redis.call('ZADD', KEYS[1], unpack(entries))
  redis.call('PEXPIRE', KEYS[1], window + leaseMs)
  if job then redis.call('HSET', KEYS[3], 'processedOn', now) end
  return { 1, now, lease - 1 }
end
if started < limit then
  redis.call('ZADD', KEYS[1], now, now .. ':' .. started .. ':' .. id)
  if redis.call('PTTL', KEYS[1]) < window then redis.call('PEXPIRE', KEYS[1], window) end
  if job then redis.call('HSET', KEYS[3], 'processedOn', now) end
  return { 1, now, 0 }
end
local ahead
if place then ahead = redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. place) else ahead = redis.call('ZCARD', KEYS[2]) end
local nth = ahead % limit
local freed = tonumber(redis.call('ZRANGE', KEYS[1], nth, nth, 'WITHSCORES')[2])
local turn = freed + window * (1 + math.floor(ahead / limit))
redis.call('ZADD', KEYS[2], turn, id)
local last = tonumber(redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2])
redis.call('PEXPIRE', KEYS[2], last - now + window)
if job then redis.call('HDEL', KEYS[3], 'processedOn') end
return { 0, turn - now }
`;

/** The name the script is defined under on a client: sent once, then run by its digest. */
const COMMAND = 'admitTaskStart';

type ScriptClient = (Redis | Cluster) & {
  [COMMAND]?: (
    starts: string,
    waiting: string,
    job: string,
    limit: number,
    windowMs: number,
    id: string,
    lease: number,
    leaseMs: number,
  ) => Promise<[number, number, number?]>;
};

/** Starts leased to this process for one task, usable until `until` (performance.now()). */
interface Lease {
  remaining: number;
  readonly until: number;
}

/**
 * Rate limits across every worker (Celery enforces `rate_limit` per worker: celery/celery#5927):
 * each run of a rate-limited task asks here before it starts: in one round trip, or in none while
 * this process holds starts leased to it.
 */
export class RateLimiter {
  private readonly leases = new Map<string, Lease>();

  /** @param prefix the queue key prefix (`QUEUE_PREFIX`, in braces on a Redis Cluster, which keeps these keys in the jobs' slot). */
  constructor(private readonly prefix: string) {}

  /**
   * Grants the start of a run of `task`, or answers how long it waits.
   * @param jobKey the job's hash, stamped with the start (Bull's `processedOn`) when granted.
   */
  async admit(client: Redis | Cluster, task: string, rate: Rate, jobKey: string, jobId: string): Promise<RateDecision> {
    const lease = this.leases.get(task);
    if (lease && lease.remaining > 0 && performance.now() < lease.until) {
      lease.remaining--;
      return { granted: true, startedAt: null };
    }
    const script = client as ScriptClient;
    if (!script[COMMAND]) client.defineCommand(COMMAND, { numberOfKeys: 3, lua: ADMIT_SCRIPT });
    const keys = this.keysOf(task);
    // Counted from before the script runs, so that no leased start is used after its logged moment.
    const askedAt = performance.now();
    const [granted, value, leased = 0] = await script[COMMAND]!(
      keys.starts,
      keys.waiting,
      jobKey,
      rate.limit,
      rate.windowMs,
      jobId,
      LEASE_SIZE,
      LEASE_MS,
    );
    if (granted !== 1) return { granted: false, waitMs: value };
    if (leased > 0) {
      // Runs that asked together add their leases up, usable until the earliest ends.
      const held = this.leases.get(task);
      const valid = held && performance.now() < held.until ? held : undefined;
      this.leases.set(task, { remaining: leased + (valid?.remaining ?? 0), until: Math.min(askedAt + LEASE_MS, valid?.until ?? Infinity) });
    }
    return { granted: true, startedAt: value };
  }

  /** The keys of a task's limiter, beside the queues' under their prefix. */
  keysOf(task: string): { readonly starts: string; readonly waiting: string } {
    const base = `${this.prefix}:rate-limit:${task}`;
    return { starts: `${base}:starts`, waiting: `${base}:waiting` };
  }
}
