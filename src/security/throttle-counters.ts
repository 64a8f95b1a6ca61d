import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ThrottleRedis } from './throttle-redis';

/** At most `max` hits on `key` in a window of `windowMs`, counted from the window's first hit. */
export interface Ceiling {
  readonly key: string;
  readonly max: number;
  readonly windowMs: number;
}

/** The ceiling a hit found passed, and the seconds (rounded up) before its window ends. */
export interface PassedCeiling {
  readonly ceiling: Ceiling;
  readonly retryAfterSeconds: number;
}

/**
 * KEYS[1] the gate's counter, ARGV[1] its max; KEYS[2], when given, the counter to hit (it may be
 * the gate's), ARGV[2] its window in ms. Past its max the gate lets nothing be counted. A fixed
 * window: INCR, and PEXPIRE on the window's first hit.
 * Answers { 1, gate's PTTL } when the gate is past, else { 0, count, PTTL } (count 0 with no counter).
 */
const HIT_SCRIPT = `
local gate = tonumber(redis.call('GET', KEYS[1]) or '0')
if gate > tonumber(ARGV[1]) then return { 1, redis.call('PTTL', KEYS[1]) } end
if #KEYS == 1 then return { 0, 0, 0 } end
local count = redis.call('INCR', KEYS[2])
local ttl = tonumber(ARGV[2])
if count == 1 then redis.call('PEXPIRE', KEYS[2], ttl) else ttl = redis.call('PTTL', KEYS[2]) end
return { 0, count, ttl }
`;

/** The name the script is defined under on the client: sent once, then run by its digest. */
const COMMAND = 'throttleHit';

type ScriptClient = ThrottleRedis['client'] & {
  [COMMAND]: (keyCount: number, ...keysThenArgs: (string | number)[]) => Promise<[number, number, number?]>;
};

/**
 * The throttles' fixed-window counters in the cache Redis, shared by every api process: a check
 * and a count in one script, so that a granted login that also counts an enqueue costs one round
 * trip. Fails open: when the cache Redis does not answer (ThrottleRedis bounds the wait), no
 * ceiling is passed, as the cache fails open everywhere else.
 */
@Injectable()
export class ThrottleCounters {
  private readonly client: ScriptClient;
  /** `<CACHE_KEY_PREFIX>:rate-limit:`, before every counter's key. */
  private readonly prefix: string;

  constructor(redis: ThrottleRedis, config: AppConfig) {
    this.client = redis.client as ScriptClient;
    this.client.defineCommand(COMMAND, { lua: HIT_SCRIPT });
    this.prefix = `${config.cache.keyPrefix}:rate-limit:`;
  }

  /**
   * Unless `gate` is already past its max, counts one hit on `counter` (which may be the gate).
   * @returns the ceiling passed, the gate's before the hit or the counter's with it, if any.
   */
  async hit(gate: Ceiling, counter?: Ceiling): Promise<PassedCeiling | undefined> {
    const keys = counter ? [gate.key, counter.key] : [gate.key];
    let answer: [number, number, number?];
    try {
      answer = await this.client[COMMAND](keys.length, ...keys.map((key) => this.prefix + key), gate.max, counter?.windowMs ?? 0);
    } catch {
      return undefined;
    }
    const [gatePassed, countOrTtl, ttl = 0] = answer;
    if (gatePassed === 1) return { ceiling: gate, retryAfterSeconds: seconds(countOrTtl) };
    if (counter && countOrTtl > counter.max) return { ceiling: counter, retryAfterSeconds: seconds(ttl) };
    return undefined;
  }
}

/** PTTL's milliseconds in whole seconds, rounded up; none left (or no expiry) is 0. */
function seconds(ttlMs: number): number {
  return Math.max(0, Math.ceil(ttlMs / 1000));
}
