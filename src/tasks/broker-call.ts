import { once } from 'node:events';
import type { Redis } from 'ioredis';
import { AppError } from '../common/app-error';

/**
 * How long a call waits for the broker connection, then for the broker's answer. Bull's own client
 * would queue the command and keep retrying for minutes, so an HTTP request or the CLI would hang.
 */
const BROKER_TIMEOUT_MS = 5_000;

function brokerUnavailable(message: string): AppError {
  return new AppError('TASK_BROKER_UNAVAILABLE', message, 'unavailable');
}

/**
 * Runs a command on a broker (queue Redis) client once it is connected, within
 * {@link BROKER_TIMEOUT_MS} for each step.
 * @throws AppError `TASK_BROKER_UNAVAILABLE` (503 over HTTP): not connected (nothing was sent), or
 * no answer in time (the command may still take effect when the broker comes back: the message says so).
 */
export async function callBroker<T>(client: Redis, what: string, command: () => Promise<T>): Promise<T> {
  if (client.status !== 'ready') {
    try {
      await once(client, 'ready', { signal: AbortSignal.timeout(BROKER_TIMEOUT_MS) });
    } catch {
      throw brokerUnavailable(`The task broker (QUEUE_REDIS_URL) is unreachable: could not ${what}`);
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    const message = `The task broker did not answer within ${BROKER_TIMEOUT_MS / 1000} s: could not confirm ${what}, which may still take effect`;
    timer = setTimeout(() => reject(brokerUnavailable(message)), BROKER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([command(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
