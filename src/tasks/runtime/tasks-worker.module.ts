import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WorkerHeartbeat } from './heartbeat/worker-heartbeat';
import { IsolatedTasks } from './isolated/isolated-tasks';
import { ALL_QUEUES, type QueueName } from './queues';
import { RateLimitGate } from './rate-limit/rate-limit.gate';
import { RegisteredQueuesModule } from './registered-queues.module';
import { TaskQueuesModule } from './task-queues.module';
import { TaskTerminations } from './task-cancel';
import { TaskOverruns } from './task-overruns';
import { TasksProcessor } from './tasks.processor';
import { WORKER_QUEUES } from './worker-queues';

/** The worker role: executes the tasks of the queues it consumes. */
@Module({})
export class TasksWorkerModule {
  /** @param queues the queues to take jobs from (`--queues`). @defaultValue every queue */
  static forQueues(queues: readonly QueueName[] = ALL_QUEUES): DynamicModule {
    return {
      module: TasksWorkerModule,
      imports: [DiscoveryModule, RegisteredQueuesModule, TaskQueuesModule],
      providers: [
        TasksProcessor,
        TaskOverruns,
        TaskTerminations,
        WorkerHeartbeat,
        RateLimitGate,
        IsolatedTasks,
        { provide: WORKER_QUEUES, useValue: queues },
      ],
    };
  }
}
