import { Module } from '@nestjs/common';
import { WorkflowRecovery } from './workflow-recovery';
import { WorkflowsModule } from './workflows.module';

/** The worker's part of the workflows beside running their tasks: making up the counts lost with a killed worker. */
@Module({
  imports: [WorkflowsModule],
  providers: [WorkflowRecovery],
})
export class WorkflowRecoveryModule {}
