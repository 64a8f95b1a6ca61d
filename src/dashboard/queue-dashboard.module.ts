import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { QueueDashboard } from './queue-dashboard';

/** The queue dashboard (api role only); bootstrap.ts mounts it on the Fastify instance. */
@Module({
  imports: [TasksModule],
  providers: [QueueDashboard],
  exports: [QueueDashboard],
})
export class QueueDashboardModule {}
