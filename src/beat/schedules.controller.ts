import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { BeatCatalog } from './beat-catalog';
import { ScheduleView } from './dto/schedule-view.response';

@ApiTags('schedules')
@Controller('admin/schedules')
@AdminOnly()
export class SchedulesController {
  constructor(private readonly catalog: BeatCatalog) {}

  /** Every beat entry: its schedule and arguments, its next run and its last task. */
  @Get()
  @ApiOkResponse({ type: [ScheduleView] })
  list(): Promise<ScheduleView[]> {
    return this.catalog.list();
  }
}
