import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { AdminOnly } from '../auth/admin-only.decorator';
import { EnqueueTaskDto } from './dto/enqueue-task.dto';
import { ListTasksQuery } from './dto/list-tasks.query';
import { TasksService } from './tasks.service';

/** Tasks over HTTP, for admins: enqueue, follow, revoke, list. */
@Controller('admin/tasks')
@AdminOnly()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  enqueue(@Body() { name, ...options }: EnqueueTaskDto) {
    return this.tasks.applyAsync(name, options);
  }

  @Get()
  list(@Query() query: ListTasksQuery) {
    return this.tasks.list(query);
  }

  @Get(':id')
  result(@Param('id') id: string) {
    return this.tasks.result(id);
  }

  @Delete(':id')
  revoke(@Param('id') id: string) {
    return this.tasks.revoke(id);
  }
}
