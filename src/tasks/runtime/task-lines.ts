import type { Logger } from 'pino';
import { NameJson, PinoLines } from '../../logging/pino-lines';

/** pino's number for the info level. */
const INFO = 30;

export type TaskLineMessage = 'Task started' | 'Task succeeded';

/**
 * The two info lines a worker writes for every task, byte for byte as
 * `logger.info({ taskId, task, attempt }, message)` writes them (the fault suite reads them), at a
 * fraction of the cost: pino's generic path cost 3.9 % of a worker's busy time at concurrency 16
 * in a profile, about 1.3 µs a line against 0.2-0.4 here, in a loop (BENCHMARKS.md, Tasks). Here
 * the line is built by {@link PinoLines} from the three fields, the task name's JSON made once
 * per name. A logger whose options make pino write something else keeps pino's own path.
 */
export class TaskLines {
  private readonly lines: PinoLines;
  private readonly names = new NameJson();

  constructor(private readonly logger: Logger) {
    const sample = { taskId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', task: 'sample', attempt: 1 };
    this.lines = new PinoLines(logger, {
      level: INFO,
      fields: sample,
      fieldsJson: this.fields(sample.taskId, sample.task, sample.attempt),
      message: 'Task started',
    });
  }

  write(message: TaskLineMessage, taskId: string, task: string, attempt: number): void {
    if (!this.lines.own) return this.logger.info({ taskId, task, attempt }, message);
    if (!this.lines.enabled(INFO)) return;
    this.lines.write(INFO, this.fields(taskId, task, attempt), message);
  }

  private fields(taskId: string, task: string, attempt: number): string {
    return `"taskId":${JSON.stringify(taskId)},"task":${this.names.of(task)},"attempt":${attempt}`;
  }
}
