import { type DynamicModule, Module } from '@nestjs/common';
import { BannerModule } from '../banner/banner.module';
import { QueueMonitorModule } from '../tasks/runtime/queue-monitor.module';
import type { QueueName } from '../tasks/runtime/queues';
import { TasksWorkerModule } from '../tasks/runtime/tasks-worker.module';
import { SeedTasksModule } from '../tasks/seed/seed-tasks.module';
import { WorkflowRecoveryModule } from '../tasks/workflows/workflow-recovery.module';

/** How a worker is started, beside the configuration: from its command line. */
export interface WorkerOptions {
  /** The queues to take jobs from (`--queues`). @defaultValue every queue */
  readonly queues?: readonly QueueName[];
}

/**
 * The worker role: the processor, the modules of the task handlers it runs (MySQL, the cache) and
 * the workflows' recovery; no HTTP.
 */
@Module({})
export class WorkerRoleModule {
  static register({ queues }: WorkerOptions = {}): DynamicModule {
    return {
      module: WorkerRoleModule,
      imports: [BannerModule, QueueMonitorModule, SeedTasksModule, TasksWorkerModule.forQueues(queues), WorkflowRecoveryModule],
    };
  }
}
