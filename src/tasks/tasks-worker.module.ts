import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WorkerHeartbeat } from './heartbeat/worker-heartbeat';
import { TasksModule } from './tasks.module';
import { TasksProcessor } from './tasks.processor';

/** The worker role: executes the tasks of every queue. */
@Module({
  imports: [DiscoveryModule, TasksModule],
  providers: [TasksProcessor, WorkerHeartbeat],
})
export class TasksWorkerModule {}
