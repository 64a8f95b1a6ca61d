import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { TaskBroker } from './task-broker';
import { uuidV5Of } from './workflows/uuid-v5';

/** The id derived from an idempotency key, in a namespace of its own (a fixed random UUID). */
const idOfKey = uuidV5Of('f7a678d4-d14c-4e39-8336-00042b6cf601');

/** Printable ASCII, as header values are; long enough for a UUID or a client's own scheme. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

/** What an `Idempotency-Key` is for; keys of different scopes never meet. */
export type IdempotencyScope = 'task' | 'workflow';

/** The JSON text of a value with the keys of every object sorted: equal bodies, equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `Idempotency-Key` on the routes that create (tasks, workflows): a client that retries a POST
 * whose answer it never got must not create a second one. The id of what the key creates is derived
 * from the key (a UUID v5), so every request with the key names the same task or workflow, which
 * exists once however many requests race. The first request records a hash of its body for
 * TASK_RESULT_TTL (`SET NX` on the queue Redis); a later one with another body is refused.
 */
@Injectable()
export class IdempotencyKeys {
  private readonly ttlMs: number;

  constructor(
    private readonly broker: TaskBroker,
    config: AppConfig,
  ) {
    this.ttlMs = config.queue.resultTtlMs;
  }

  /**
   * Records the key with the body on its first use; answers the id of what the key creates.
   * @param body the request as validated: its canonical JSON is what "the same request" means.
   * @throws AppError IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_KEY_REUSED, or TASK_BROKER_UNAVAILABLE.
   */
  async claim(scope: IdempotencyScope, key: string, body: unknown): Promise<string> {
    if (!VALID_KEY.test(key)) {
      throw new AppError('IDEMPOTENCY_KEY_INVALID', 'An Idempotency-Key must be 1 to 255 printable ASCII characters', 'invalid');
    }
    const id = idOfKey(`${scope}:${key}`);
    const fingerprint = sha256(canonicalJson(body));
    const redisKey = this.broker.key(`idempotency:${scope}:${sha256(key)}`);
    // SET NX GET answers the value already there, or null when this request set it.
    const stored = await this.broker.call('claim an idempotency key', (redis) =>
      redis.set(redisKey, fingerprint, 'PX', this.ttlMs, 'NX', 'GET'),
    );
    if (stored !== null && stored !== fingerprint) {
      throw new AppError(
        'IDEMPOTENCY_KEY_REUSED',
        `The Idempotency-Key was first used with another request body; use a new key for a new ${scope}`,
        'unprocessable',
      );
    }
    return id;
  }
}
