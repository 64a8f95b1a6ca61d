import { Module } from '@nestjs/common';
import { BannerModule } from '../banner/banner.module';
import { QueueMonitorModule } from '../tasks/runtime/queue-monitor.module';
import { TasksWorkerModule } from '../tasks/runtime/tasks-worker.module';
import { SeedTasksModule } from '../tasks/seed/seed-tasks.module';

/** The worker role: the processor and the modules of the task handlers it runs (MySQL, the cache); no HTTP. */
@Module({
  imports: [BannerModule, QueueMonitorModule, SeedTasksModule, TasksWorkerModule],
})
export class WorkerRoleModule {}
