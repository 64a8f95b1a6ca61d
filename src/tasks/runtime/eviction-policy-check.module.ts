import { Module } from '@nestjs/common';
import { EvictionPolicyCheck } from './eviction-policy.check';
import { TasksModule } from '../tasks.module';

/** Loaded by the roles that rely on the queue keeping every job until it is done: api and worker. */
@Module({
  imports: [TasksModule],
  providers: [EvictionPolicyCheck],
})
export class EvictionPolicyCheckModule {}
