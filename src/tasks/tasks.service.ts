import { InjectQueue } from '@nestjs/bull';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import { QUEUES } from './queues';

/** The producer side of the tasks: what other modules call to hand work to the workers. */
@Injectable()
export class TasksService {
  constructor(@InjectQueue(QUEUES.default) private readonly queue: Queue) {}

  /** Round-trips to the broker Redis (`QUEUE_REDIS_URL`). */
  async pingBroker(): Promise<void> {
    await this.queue.client.ping();
  }
}
