import { Module } from '@nestjs/common';
import { TasksModule } from '../tasks/tasks.module';
import { BeatCatalog } from './beat-catalog';
import { BeatStore } from './beat-store';

/** The schedule and what the beat remembers; the api lists it (SchedulesModule), the beat role runs it. */
@Module({
  imports: [TasksModule],
  providers: [BeatCatalog, BeatStore],
  exports: [BeatCatalog, BeatStore],
})
export class BeatModule {}
