import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { BeatModule } from './beat.module';
import { BeatScheduler } from './beat.scheduler';

/** The beat role: a timer per entry that enqueues its ticks. */
@Module({
  imports: [BeatModule, TasksModule],
  providers: [BeatScheduler],
})
export class BeatSchedulerModule {}
