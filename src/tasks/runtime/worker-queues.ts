import { ConfigError } from '../../config/env-reader';
import { ALL_QUEUES, isQueueName, type QueueName } from './queues';

/** The injection token of the queues this worker consumes (`--queues`; all of them by default). */
export const WORKER_QUEUES = Symbol('WORKER_QUEUES');

/**
 * How many jobs a worker runs at once on each queue it consumes: `concurrency` unless
 * `queueConcurrency` names the queue (WORKER_CONCURRENCY).
 * @throws ConfigError naming WORKER_CONCURRENCY when it names a queue that does not exist.
 */
export function workerSlots(
  consumed: readonly QueueName[],
  concurrency: number,
  queueConcurrency: Readonly<Record<string, number>>,
): ReadonlyMap<QueueName, number> {
  const unknown = Object.keys(queueConcurrency).find((name) => !isQueueName(name));
  if (unknown !== undefined) {
    throw new ConfigError('WORKER_CONCURRENCY', `a number, or queue=number pairs of the queues ${ALL_QUEUES.join(', ')}`, unknown);
  }
  return new Map(consumed.map((queue) => [queue, queueConcurrency[queue] ?? concurrency]));
}
