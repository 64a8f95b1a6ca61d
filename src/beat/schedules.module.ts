import { Module } from '@nestjs/common';
import { BeatModule } from './beat.module';
import { SchedulesController } from './schedules.controller';

/** `GET /api/admin/schedules` (api role only). */
@Module({
  imports: [BeatModule],
  controllers: [SchedulesController],
})
export class SchedulesModule {}
