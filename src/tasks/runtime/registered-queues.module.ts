import { BullModule, getQueueToken } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../config/app-config';
import { bullOptions } from './bull-options';
import { QueueClusterClients, QueueClusterModule } from './queue-cluster';
import { ALL_QUEUES, REGISTERED_QUEUES } from './queues';

/**
 * Bull's queues as @nestjs/bull registers them, the ones a worker takes jobs from (see
 * {@link TaskQueues}). Imported by the worker role only: a process that only enqueues (api, beat,
 * CLI) neither loads @nestjs/bull nor opens their connections. Global, so that the tasks module,
 * which every process imports, finds them when they are there.
 */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({ imports: [QueueClusterModule], inject: [AppConfig, QueueClusterClients], useFactory: bullOptions }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [
    {
      provide: REGISTERED_QUEUES,
      useFactory: (...queues: Queue[]) => queues,
      inject: ALL_QUEUES.map((name) => getQueueToken(name)),
    },
  ],
  exports: [REGISTERED_QUEUES],
})
export class RegisteredQueuesModule {}
