import { Module } from '@nestjs/common';
import { BeatSchedulerModule } from '../beat/beat-scheduler.module';

/** The beat role: the schedule's timers, which only enqueue; no database, cache or HTTP. */
@Module({
  imports: [BeatSchedulerModule],
})
export class BeatRoleModule {}
