import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TasksModule } from '../tasks/tasks.module';
import { BeatModule } from './beat.module';
import { BeatScheduler } from './beat.scheduler';

/** The beat role: `@nestjs/schedule` timers that enqueue each entry's ticks. */
@Module({
  imports: [ScheduleModule.forRoot(), BeatModule, TasksModule],
  providers: [BeatScheduler],
})
export class BeatSchedulerModule {}
