import { Module } from '@nestjs/common';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsModule } from './workflows.module';

/** The api role's workflow routes under `/api/admin/workflows`. */
@Module({
  imports: [WorkflowsModule],
  controllers: [WorkflowsController],
})
export class WorkflowsAdminModule {}
