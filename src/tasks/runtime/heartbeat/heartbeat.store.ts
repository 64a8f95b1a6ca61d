import type { HeartbeatCommands } from './heartbeat.connection.ts';

// Loaded by the heartbeat thread as well, which Node may run from the TypeScript source (the e2e
// tests boot workers from src/): erasable syntax only here (no enums, no parameter properties).

/** One queue a worker process consumes, as its heartbeat sees it. */
export interface HeartbeatTarget {
  readonly queue: string;
  /** Bull's key prefix of the queue, `<QUEUE_PREFIX>:<queue>:` (its `toKey('')`). */
  readonly keyPrefix: string;
  /** Bull's token of this process's queue instance: the value of every lock it holds. */
  readonly token: string;
}

export interface HeartbeatTimings {
  /** How long a heartbeat lives unless renewed. */
  readonly ttlMs: number;
  /**
   * Longest gap between two of a process's own beats that still counts as beating without a break.
   * Beyond it the process (or Redis) was stalled, so peers may have missed beats too.
   */
  readonly maxGapMs: number;
  /** Bull's `maxStalledCount`: how often a job may come back from a dead worker before it fails. */
  readonly maxStalledCount: number;
}

/** What one beat found. */
export interface BeatOutcome {
  /** The process's own heartbeat had expired (or never existed) before this beat. */
  readonly lapsed: boolean;
  /** Jobs of dead processes put back at the head of the queue, to run again at once. */
  readonly requeued: string[];
  /**
   * Jobs of dead processes that already came back `maxStalledCount` times: unlocked and left to
   * Bull's stalled check, which fails them ("job stalled more than allowable limit").
   */
  readonly failing: string[];
}

/**
 * Renews the process's heartbeat on one queue and, when `ARGV[6]` is 1, returns the active jobs of
 * every process whose heartbeat expired. Atomic, so two reapers never return a job twice.
 *
 * Keys (all under the queue's prefix, so one Cluster slot when the prefix is hash-tagged):
 *   KEYS[1] `heartbeats`: set of the tokens that ever beat and were not reaped yet
 *   KEYS[2] `heartbeat:<own token>`: `<since>:<last>` in Redis milliseconds, expiring after the TTL
 *   KEYS[3..7] Bull's `active`, `wait`, `paused`, `meta-paused` and `stalled`
 * ARGV: key prefix, own token, TTL ms, max gap ms, maxStalledCount, reap (1 or 0).
 *
 * A process reaps only once it has itself beaten without a break for a whole TTL (Redis's clock):
 * after Redis or this process was stalled, every live peer has had a TTL to beat again before its
 * expired heartbeat is taken for a death. A job is returned exactly as Bull's stalled check would
 * (moveStalledJobsToWait-7.lua): its lock deleted, `stalledCounter` incremented, pushed where the
 * next job is taken from, announced on the `stalled@` channel. The dead worker, if it was only cut
 * off, can no longer complete it: Bull's completion needs the lock with its token.
 */
const BEAT_AND_REAP = `
local rcall = redis.call
local prefix, own, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local clock = rcall('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local since, lapsed = now, 1
local previous = rcall('GET', KEYS[2])
if previous then
  lapsed = 0
  local previousSince, previousLast = string.match(previous, '^(%d+):(%d+)$')
  if previousSince and now - tonumber(previousLast) <= tonumber(ARGV[4]) then since = tonumber(previousSince) end
end
rcall('SET', KEYS[2], string.format('%d:%d', since, now), 'PX', ttl)
rcall('SADD', KEYS[1], own)
if ARGV[6] ~= '1' or now - since < ttl then return {lapsed, {}, {}} end

local dead, found = {}, false
for _, token in ipairs(rcall('SMEMBERS', KEYS[1])) do
  if rcall('EXISTS', prefix .. 'heartbeat:' .. token) == 0 then
    dead[token] = true
    found = true
    rcall('SREM', KEYS[1], token)
  end
end
if not found then return {lapsed, {}, {}} end

local target = KEYS[4]
if rcall('EXISTS', KEYS[6]) == 1 then target = KEYS[5] end
local requeued, failing = {}, {}
for _, jobId in ipairs(rcall('LRANGE', KEYS[3], 0, -1)) do
  local jobKey = prefix .. jobId
  local owner = rcall('GET', jobKey .. ':lock')
  if owner and dead[owner] then
    rcall('DEL', jobKey .. ':lock')
    if (tonumber(rcall('HGET', jobKey, 'stalledCounter')) or 0) >= tonumber(ARGV[5]) then
      rcall('SADD', KEYS[7], jobId)
      table.insert(failing, jobId)
    else
      rcall('LREM', KEYS[3], 1, jobId)
      rcall('HINCRBY', jobKey, 'stalledCounter', 1)
      rcall('SREM', KEYS[7], jobId)
      rcall('RPUSH', target, jobId)
      rcall('PUBLISH', KEYS[7] .. '@', jobId)
      table.insert(requeued, jobId)
    end
  end
end
return {lapsed, requeued, failing}
`;

/** The key of a process's heartbeat on a queue. */
export function heartbeatKey(target: HeartbeatTarget): string {
  return `${target.keyPrefix}heartbeat:${target.token}`;
}

/** The heartbeats of worker processes in the queue Redis, next to Bull's keys. */
export class HeartbeatStore {
  private readonly redis: HeartbeatCommands;
  private readonly timings: HeartbeatTimings;

  constructor(redis: HeartbeatCommands, timings: HeartbeatTimings) {
    this.redis = redis;
    this.timings = timings;
  }

  /** Renews the heartbeat on `target`'s queue and, if `reap`, returns the jobs of dead processes. */
  async beat(target: HeartbeatTarget, reap: boolean): Promise<BeatOutcome> {
    const { keyPrefix, token } = target;
    const { ttlMs, maxGapMs, maxStalledCount } = this.timings;
    const keys = [
      `${keyPrefix}heartbeats`,
      heartbeatKey(target),
      ...['active', 'wait', 'paused', 'meta-paused', 'stalled'].map((name) => keyPrefix + name),
    ];
    const args = [keyPrefix, token, ttlMs, maxGapMs, maxStalledCount, reap ? 1 : 0];
    const [lapsed, requeued, failing] = (await this.redis.eval(BEAT_AND_REAP, keys.length, ...keys, ...args)) as [
      number,
      string[],
      string[],
    ];
    return { lapsed: lapsed === 1, requeued, failing };
  }

  /**
   * Ends the heartbeat on a clean stop, so that peers return at once whatever job this process
   * still holds (one taken but not started). The token stays listed until a peer has done so.
   */
  async forget(target: HeartbeatTarget): Promise<void> {
    await this.redis.del(heartbeatKey(target));
  }
}
