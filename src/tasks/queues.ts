/** Bull queue names. Every task names the queue it runs on; workers consume all of them. */
export const QUEUES = {
  default: 'default',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
export const ALL_QUEUES: readonly QueueName[] = Object.values(QUEUES);
