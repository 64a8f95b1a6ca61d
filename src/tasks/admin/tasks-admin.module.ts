import { Module } from '@nestjs/common';
import { TaskRequests } from './task-requests.service';
import { TasksController } from './tasks.controller';
import { TasksModule } from '../tasks.module';

/** The api role's task routes under `/api/admin/tasks`. */
@Module({
  imports: [TasksModule],
  controllers: [TasksController],
  providers: [TaskRequests],
})
export class TasksAdminModule {}
