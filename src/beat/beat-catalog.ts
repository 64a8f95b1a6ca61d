import { Injectable, OnModuleInit } from '@nestjs/common';
import { DateTime } from 'luxon';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { TasksService } from '../tasks/tasks.service';
import { type BeatEntry, BeatEntryError, DEFAULT_BEAT_SCHEDULE, mergeBeatSchedule, parseBeatEntry } from './beat-entry';
import { BeatStore } from './beat-store';
import type { ScheduleLastTask, ScheduleView } from './dto/schedule-view.response';

/**
 * The schedule: the defaults with `BEAT_SCHEDULE` laid over them, every entry checked at start-up
 * against the task registry (an unknown task or refused arguments stop the start, naming the entry).
 */
@Injectable()
export class BeatCatalog implements OnModuleInit {
  private entries: readonly BeatEntry[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly tasks: TasksService,
    private readonly store: BeatStore,
  ) {}

  onModuleInit(): void {
    const { timeZone, scheduleOverrides } = this.config.beat;
    const specs = mergeBeatSchedule(DEFAULT_BEAT_SCHEDULE, scheduleOverrides);
    this.entries = Object.entries(specs).map(([name, spec]) => {
      const entry = parseBeatEntry(name, spec, timeZone);
      try {
        this.tasks.validate(entry.task, entry.args, entry.kwargs);
      } catch (error) {
        if (error instanceof AppError) throw new BeatEntryError(name, error.message);
        throw error;
      }
      return entry;
    });
  }

  all(): readonly BeatEntry[] {
    return this.entries;
  }

  async list(now = new Date()): Promise<ScheduleView[]> {
    const { timeZone } = this.config.beat;
    return Promise.all(
      this.entries.map(async (entry) => {
        const next = entry.enabled ? entry.schedule.next(now) : null;
        return {
          name: entry.name,
          task: entry.task,
          schedule: entry.schedule.description,
          args: entry.args,
          kwargs: entry.kwargs,
          enabled: entry.enabled,
          skipIfPending: entry.skipIfPending,
          nextRun: next && {
            timeZone,
            local: DateTime.fromJSDate(next, { zone: timeZone }).toISO() ?? next.toISOString(),
            utc: next.toISOString(),
          },
          lastTask: await this.lastTask(entry.name),
        };
      }),
    );
  }

  /** The entry's last enqueued task and its state, or null when none is remembered or kept. */
  async lastTask(entry: string): Promise<ScheduleLastTask | null> {
    const id = await this.store.lastTaskId(entry);
    if (!id) return null;
    try {
      return { id, state: (await this.tasks.result(id)).state };
    } catch (error) {
      if (error instanceof AppError && error.code === 'TASK_NOT_FOUND') return null;
      throw error;
    }
  }
}
