import { Controller, Get } from '@nestjs/common';
import { AdminOnly } from '../auth/admin-only.decorator';
import { BeatCatalog, type ScheduleView } from './beat-catalog';

@Controller('admin/schedules')
@AdminOnly()
export class SchedulesController {
  constructor(private readonly catalog: BeatCatalog) {}

  @Get()
  list(): Promise<ScheduleView[]> {
    return this.catalog.list();
  }
}
