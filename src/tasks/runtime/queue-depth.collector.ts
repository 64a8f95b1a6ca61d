import { Injectable, type OnModuleInit } from '@nestjs/common';
import { TaskQueues } from './queues';
import { MetricsService } from '../../metrics/metrics.service';

/** Hands every task queue to the `queue_jobs` gauge, which counts their jobs on each scrape. */
@Injectable()
export class QueueDepthCollector implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    private readonly queues: TaskQueues,
  ) {}

  onModuleInit(): void {
    this.metrics.observeQueues(this.queues.allFailFast());
  }
}
