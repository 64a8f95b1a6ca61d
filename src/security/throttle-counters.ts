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

type ScriptAnswer = [number, number, number?];

type ScriptArguments = [keyCount: number, ...keysThenArgs: (string | number)[]];

type ScriptClient = ThrottleRedis['client'] & { [COMMAND]: (...args: ScriptArguments) => Promise<ScriptAnswer> };

/** A hit waiting for the end of the turn: the script's keys and arguments, and its caller. */
interface PendingHit {
  readonly gate: Ceiling;
  readonly counter: Ceiling | undefined;
  readonly resolve: (passed: PassedCeiling | undefined) => void;
}

/**
 * The throttles' fixed-window counters in the cache Redis, shared by every api process: a check
 * and a count in one script, so that a granted login that also counts an enqueue costs one round
 * trip. The hits of one turn of the event loop (the requests read together) leave in one socket
 * write: on loopback a write costs the api about as much CPU as the rest of the script's round
 * trip (BENCHMARKS.md, Enqueue over HTTP). The socket is corked while they are sent rather than
 * an ioredis pipeline used: a pipeline kept its commands and replies alive until V8 promoted them,
 * 480 KB per young-generation collection against 6 KB, at three times the pause. Fails open:
 * when the cache Redis does not answer (ThrottleRedis bounds the wait), no ceiling is passed, as
 * the cache fails open everywhere else.
 */
@Injectable()
export class ThrottleCounters {
  private readonly client: ScriptClient;
  /** `<CACHE_KEY_PREFIX>:rate-limit:`, before every counter's key. */
  private readonly prefix: string;
  private pending: PendingHit[] = [];

  constructor(redis: ThrottleRedis, config: AppConfig) {
    this.client = redis.client as ScriptClient;
    this.client.defineCommand(COMMAND, { lua: HIT_SCRIPT });
    this.prefix = `${config.cache.keyPrefix}:rate-limit:`;
  }

  /**
   * Unless `gate` is already past its max, counts one hit on `counter` (which may be the gate).
   * The hit is sent at the end of the current turn of the event loop, with the others of that turn.
   * @returns the ceiling passed, the gate's before the hit or the counter's with it, if any.
   */
  hit(gate: Ceiling, counter?: Ceiling): Promise<PassedCeiling | undefined> {
    return new Promise((resolve) => {
      if (this.pending.push({ gate, counter, resolve }) === 1) setImmediate(() => this.send());
    });
  }

  private send(): void {
    const hits = this.pending;
    this.pending = [];
    const { stream } = this.client;
    const corked = hits.length > 1 && stream !== undefined;
    if (corked) stream.cork();
    for (const hit of hits) {
      this.client[COMMAND](...this.scriptArguments(hit)).then(
        (answer) => hit.resolve(passedCeiling(hit, answer)),
        () => hit.resolve(undefined),
      );
    }
    if (corked) stream.uncork();
  }

  private scriptArguments({ gate, counter }: PendingHit): ScriptArguments {
    const keys = counter ? [gate.key, counter.key] : [gate.key];
    return [keys.length, ...keys.map((key) => this.prefix + key), gate.max, counter?.windowMs ?? 0];
  }
}

/** What the script answered for a hit: the ceiling it passed, if any. */
function passedCeiling({ gate, counter }: PendingHit, answer: ScriptAnswer): PassedCeiling | undefined {
  const [gatePassed, countOrTtl, ttl = 0] = answer;
  if (gatePassed === 1) return { ceiling: gate, retryAfterSeconds: seconds(countOrTtl) };
  if (counter && countOrTtl > counter.max) return { ceiling: counter, retryAfterSeconds: seconds(ttl) };
  return undefined;
}

/** PTTL's milliseconds in whole seconds, rounded up; none left (or no expiry) is 0. */
function seconds(ttlMs: number): number {
  return Math.max(0, Math.ceil(ttlMs / 1000));
}
