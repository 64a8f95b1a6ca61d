import { once } from 'node:events';
import { type Redis, ReplyError } from 'ioredis';
import { TimeoutError, withTimeout } from '../../cache/with-timeout';
import { AppError } from '../../common/app-error';

function brokerUnavailable(message: string): AppError {
  return new AppError('TASK_BROKER_UNAVAILABLE', message, 'unavailable');
}

/**
 * Redis refuses a write at `maxmemory` under `noeviction` with an OOM error; in a transaction, EXEC
 * then fails with EXECABORT and carries the OOM among its `previousErrors`.
 */
function isOutOfMemory(error: unknown): boolean {
  if (!(error instanceof ReplyError)) return false;
  const errors: unknown[] = [error, ...((error as { previousErrors?: unknown[] }).previousErrors ?? [])];
  return errors.some((candidate) => candidate instanceof Error && candidate.message.startsWith('OOM '));
}

/**
 * Corks the client's socket until the process's next tick, which comes once the promise callbacks
 * now queued have run: the commands sent meanwhile (the enqueues of the requests whose throttle
 * answers came in one read) leave in one write instead of one each. A Redis Cluster client has no
 * socket of its own, and its commands go as before.
 */
function corkUntilNextTick(client: Redis): void {
  const stream = client.stream as Redis['stream'] | undefined;
  if (stream === undefined || stream.writableCorked > 0) return;
  stream.cork();
  process.nextTick(() => stream.uncork());
}

/** Each client's wait for its next `ready` (false at its first `error`), shared by the calls made meanwhile. */
const readyWaits = new WeakMap<Redis, Promise<boolean>>();

/**
 * Whether the client connects within `timeoutMs`. Every call made while it connects shares one
 * pair of listeners: a listener per call made the sixty-four enqueues of a fresh process's first
 * batch warn of a leak (MaxListenersExceededWarning). A connection error fails every waiting call,
 * as it did each call's own wait.
 */
async function becomesReady(client: Redis, timeoutMs: number): Promise<boolean> {
  let wait = readyWaits.get(client);
  if (wait === undefined) {
    wait = once(client, 'ready').then(
      () => true,
      () => false,
    );
    readyWaits.set(client, wait);
    void wait.finally(() => readyWaits.delete(client));
  }
  return withTimeout(wait, timeoutMs, 'Connecting to the task broker').catch(() => false);
}

/**
 * Runs a command on a broker (queue Redis) client once it is connected, within `timeoutMs`
 * (`QUEUE_TIMEOUT_MS`) for each step. Bull's own client would queue the command and keep retrying
 * for minutes, so an HTTP request, the CLI or a beat tick would hang.
 * @throws AppError `TASK_BROKER_UNAVAILABLE` (503 over HTTP): not connected (nothing was sent), or
 * no answer in time (the command may still take effect when the broker comes back: the message says so).
 * @throws AppError `TASK_BROKER_FULL` (503 over HTTP): the broker reached `maxmemory` and, with
 * `noeviction` as a queue needs, refuses writes: Bull's scripts stop at the first refused write, so
 * no job is stored.
 */
export async function callBroker<T>(client: Redis, timeoutMs: number, what: string, command: () => Promise<T>): Promise<T> {
  if (client.status !== 'ready' && !(await becomesReady(client, timeoutMs))) {
    throw brokerUnavailable(`The task broker (QUEUE_REDIS_URL) is unreachable: could not ${what}`);
  }
  corkUntilNextTick(client);
  try {
    return await withTimeout(command(), timeoutMs, what);
  } catch (error) {
    if (error instanceof TimeoutError) {
      throw brokerUnavailable(
        `The task broker did not answer within ${timeoutMs} ms: could not confirm ${what}, which may still take effect`,
      );
    }
    if (isOutOfMemory(error)) {
      throw new AppError('TASK_BROKER_FULL', `The task broker (QUEUE_REDIS_URL) is out of memory: could not ${what}`, 'unavailable');
    }
    throw error;
  }
}
