import { Module } from '@nestjs/common';
import { TaskQueuesModule } from './task-queues.module';
import { EvictionPolicyCheck } from './eviction-policy.check';
import { QueueDepthCollector } from './queue-depth.collector';

/**
 * What the roles that rely on the queue keeping every job (api and worker) watch on it: a warning
 * at start when the broker may evict keys, and the `queue_jobs` gauge counted on each scrape.
 */
@Module({
  imports: [TaskQueuesModule],
  providers: [EvictionPolicyCheck, QueueDepthCollector],
})
export class QueueMonitorModule {}
