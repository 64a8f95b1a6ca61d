import { Module } from '@nestjs/common';
import { SecurityModule } from '../security/security.module';
import { TasksModule } from '../tasks/tasks.module';
import { QueueDashboard } from './queue-dashboard';

/** The queue dashboard (api role only); bootstrap.ts mounts it on the Fastify instance. */
@Module({
  imports: [TasksModule, SecurityModule],
  providers: [QueueDashboard],
  exports: [QueueDashboard],
})
export class QueueDashboardModule {}
