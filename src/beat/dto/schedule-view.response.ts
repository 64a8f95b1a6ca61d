import { ApiJsonArray } from '../../common/api-json.decorator';
import type { TaskState } from '../../tasks/runtime/task-state';

/** When an entry fires next. */
export class ScheduleNextRun {
  /** `BEAT_TIMEZONE`, in which crontabs are read. @example 'Asia/Shanghai' */
  timeZone: string;

  /** ISO-8601 in `timeZone`. @example '2026-11-27T19:20:30.000+08:00' */
  local: string;

  /** ISO-8601, UTC. @example '2026-11-27T11:20:30.000Z' */
  utc: string;
}

/** The task an entry enqueued last. */
export class ScheduleLastTask {
  /** @example '5b0c6c1e-4f7a-4c36-9a53-2f1d8e3b9f10' */
  id: string;

  state: TaskState;
}

/** One entry as `GET /api/admin/schedules` lists it. */
export class ScheduleView {
  /** @example 'update-banner-list' */
  name: string;

  /** @example 'update_banner_list' */
  task: string;

  /** @example 'every 10s' */
  schedule: string;

  /** Positional arguments of each task. */
  @ApiJsonArray()
  args: readonly unknown[];

  /** Arguments by parameter name. */
  kwargs: Readonly<Record<string, unknown>>;

  enabled: boolean;

  /** Whether a tick is skipped while the entry's previous task has not started. */
  skipIfPending: boolean;

  /** The next tick in `BEAT_TIMEZONE` and in UTC; null when the entry is disabled. */
  nextRun: ScheduleNextRun | null;

  /** The entry's last enqueued task, while it is kept; else null. */
  lastTask: ScheduleLastTask | null;
}
