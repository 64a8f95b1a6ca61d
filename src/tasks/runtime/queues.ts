import type { OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bull';
import type { QueueClusterClients } from './queue-cluster';

/**
 * Every Bull queue, declared here alone. Each task names the queue it runs on (`TASK_ROUTES` may
 * move it at deploy time); a worker consumes all of them unless `--queues` names some.
 * `banner` keeps the cache refresh apart, so that a flood of other tasks never delays it.
 */
export const QUEUES = {
  default: 'default',
  banner: 'banner',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);

export function isQueueName(name: unknown): name is QueueName {
  return (ALL_QUEUES as readonly unknown[]).includes(name);
}

/** A name that is not one of {@link QUEUES}; the message lists the queues. */
export class UnknownQueueError extends Error {
  constructor(received: string) {
    super(`Unknown queue "${received}": queues are ${ALL_QUEUES.join(', ')}`);
    this.name = 'UnknownQueueError';
  }
}

/**
 * The queues of a comma list (`default,banner`), as `--queues` takes them.
 * @throws UnknownQueueError on a name that is not a queue, or an empty list.
 */
export function parseQueueList(value: string): QueueName[] {
  const names = value.split(',').map((name) => name.trim());
  for (const name of names) if (!isQueueName(name)) throw new UnknownQueueError(name);
  return [...new Set(names as QueueName[])];
}

/** The injection token of the queues registered for a worker (RegisteredQueuesModule), in {@link ALL_QUEUES}' order. */
export const REGISTERED_QUEUES = Symbol('REGISTERED_QUEUES');

/**
 * The Bull queue of every name in {@link QUEUES}, twice over the same keys:
 * - as registered for the worker, in a process that plays it (RegisteredQueuesModule): its
 *   connection queues commands while Redis is away and sends them again when it is back, so a job
 *   that finished during an outage is still marked done;
 * - fail-fast, for calls someone waits on (enqueue, status, revoke, list, beat ticks, readiness,
 *   metrics, the dashboard): a command is sent on a live connection or refused at once, and never
 *   sent again. A caller told TASK_BROKER_UNAVAILABLE must not see its task run later, on the
 *   Redis that came back.
 */
export class TaskQueues implements OnApplicationShutdown {
  private readonly byName: ReadonlyMap<string, Queue>;
  private readonly failFastByName: ReadonlyMap<string, Queue>;

  /**
   * @param registered the worker's queues; none in a process that does not play worker.
   * @param failFastOf the fail-fast queue of a name, given its registered queue when there is one.
   */
  constructor(
    registered: readonly Queue[],
    private readonly cluster: QueueClusterClients,
    failFastOf: (name: QueueName, registered?: Queue) => Queue,
  ) {
    this.byName = new Map(registered.map((queue) => [queue.name, queue]));
    this.failFastByName = new Map(ALL_QUEUES.map((name) => [name, failFastOf(name, this.byName.get(name))]));
  }

  /**
   * Closes the queues (Bull's own close on shutdown then finds them closed), then the cluster
   * connections Bull leaves open. Nest runs this before the queues' hooks: their module is deeper.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...new Set([...this.all(), ...this.allFailFast()])].map((queue) => queue.close()));
    await this.cluster.close();
  }

  get(name: QueueName): Queue {
    return pick(this.byName, name);
  }

  all(): Queue[] {
    return [...this.byName.values()];
  }

  failFast(name: QueueName): Queue {
    return pick(this.failFastByName, name);
  }

  allFailFast(): Queue[] {
    return [...this.failFastByName.values()];
  }
}

function pick(queues: ReadonlyMap<string, Queue>, name: QueueName): Queue {
  const queue = queues.get(name);
  if (!queue) throw new Error(`Queue "${name}" is not registered`);
  return queue;
}
