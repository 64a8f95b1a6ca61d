import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WorkerHeartbeat } from './heartbeat/worker-heartbeat';
import { TaskQueuesModule } from './task-queues.module';
import { TasksProcessor } from './tasks.processor';

/** The worker role: executes the tasks of every queue. */
@Module({
  imports: [DiscoveryModule, TaskQueuesModule],
  providers: [TasksProcessor, WorkerHeartbeat],
})
export class TasksWorkerModule {}
