import type { Queue } from 'bull';

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
export class TaskQueues {
  private readonly byName: ReadonlyMap<string, Queue>;

  constructor(queues: readonly Queue[]) {
    this.byName = new Map(queues.map((queue) => [queue.name, queue]));
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
