import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TasksModule } from '../tasks.module';
import { TasksProcessor } from './tasks.processor';

/** The worker role: executes the tasks of every queue. */
@Module({
  imports: [DiscoveryModule, TasksModule],
  providers: [TasksProcessor],
})
export class TasksWorkerModule {}
