import type { OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bull';
import type { QueueClusterClients } from './queue-cluster';

/** Bull queue names. Every task names the queue it runs on; workers consume all of them. */
export const QUEUES = {
  default: 'default',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);

export function isQueueName(name: unknown): name is QueueName {
  return (ALL_QUEUES as readonly unknown[]).includes(name);
}

/** The Bull queue of every name in {@link QUEUES}, as registered by the tasks module. */
export class TaskQueues implements OnApplicationShutdown {
  private readonly byName: ReadonlyMap<string, Queue>;

  constructor(
    queues: readonly Queue[],
    private readonly cluster: QueueClusterClients,
  ) {
    this.byName = new Map(queues.map((queue) => [queue.name, queue]));
  }

  /**
   * Closes the queues (Bull's own close on shutdown then finds them closed), then the cluster
   * connections Bull leaves open. Nest runs this before the queues' hooks: their module is deeper.
   */
  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
    await this.cluster.close();
  }

  get(name: QueueName): Queue {
    const queue = this.byName.get(name);
    if (!queue) throw new Error(`Queue "${name}" is not registered`);
    return queue;
  }

  all(): Queue[] {
    return [...this.byName.values()];
  }
}
