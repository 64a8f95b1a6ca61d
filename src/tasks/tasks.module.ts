import { Module } from '@nestjs/common';
import { TaskQueuesModule } from './runtime/task-queues.module';
import { BrokerReadinessCheck } from './broker-readiness.check';
import { IdempotencyKeys } from './idempotency-keys';
import { TaskBroker } from './task-broker';
import { TasksService } from './tasks.service';

/**
 * The tasks as the rest of the application sees them: {@link TasksService} to enqueue a task and
 * read its result, {@link TaskBroker} for what works on the queue Redis beside the jobs (the
 * beat's shared state, the dashboard), and {@link IdempotencyKeys} for the admin routes that
 * create. Every role (and the CLI) imports it; the worker role adds the processor
 * (TasksWorkerModule). The registry, the repository and the queues stay inside src/tasks.
 */
@Module({
  imports: [TaskQueuesModule],
  providers: [TasksService, TaskBroker, IdempotencyKeys, BrokerReadinessCheck],
  exports: [TasksService, TaskBroker, IdempotencyKeys],
})
export class TasksModule {}
