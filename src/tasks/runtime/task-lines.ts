import pino, { type Logger } from 'pino';

const symbols = pino.symbols;

/** pino's parts of a logger, read through `pino.symbols` (pino's interface for integrations). */
interface LoggerParts {
  [symbols.asJsonSym]: (fields: object, message: string, level: number, time: string) => string;
  [symbols.lsCacheSym]: Record<number, string>;
  [symbols.timeSym]: () => string;
  [symbols.chindingsSym]: string;
  [symbols.endSym]: string;
  [symbols.mixinSym]?: unknown;
  [symbols.hooksSym]: { logMethod?: unknown; streamWrite?: unknown };
  [symbols.streamSym]: { write(line: string): unknown; [symbols.needsMetadataGsym]?: boolean };
}

/** pino's number for the info level. */
const INFO = 30;

export type TaskLineMessage = 'Task started' | 'Task succeeded';

/**
 * The two info lines a worker writes for every task, byte for byte as
 * `logger.info({ taskId, task, attempt }, message)` writes them (the fault suite reads them), at a
 * fraction of the cost: pino's generic path walks the object's keys, looks each up for a serializer
 * and a redaction and scans each string for characters to escape, twice per task: 3.9 % of a
 * worker's busy time at concurrency 16 in a profile, about 1.3 µs a line against 0.2-0.4 here, in a
 * loop (BENCHMARKS.md, Tasks). Here the line is the logger's own parts (level, time, bindings)
 * and the three fields, the task name's JSON made once per name. A logger whose options make pino
 * write something else (a formatter, a serializer or redaction of these fields, a mixin, a hook)
 * keeps pino's own path: the constructor compares a sample line with pino's.
 */
export class TaskLines {
  private readonly parts: LoggerParts;
  private readonly own: boolean;
  private readonly names = new Map<string, string>();

  constructor(private readonly logger: Logger) {
    this.parts = logger as unknown as LoggerParts;
    const sample = { taskId: 'f47ac10b-58cc-4372-a567-0e02b2c3d479', task: 'sample', attempt: 1 };
    const time = ',"time":0';
    this.own =
      !this.parts[symbols.mixinSym] &&
      !this.parts[symbols.hooksSym].logMethod &&
      !this.parts[symbols.hooksSym].streamWrite &&
      !this.parts[symbols.streamSym][symbols.needsMetadataGsym] &&
      this.parts[symbols.asJsonSym](sample, 'Task started', INFO, time) ===
        this.line('Task started', sample.taskId, sample.task, sample.attempt, time);
  }

  write(message: TaskLineMessage, taskId: string, task: string, attempt: number): void {
    if (!this.own) return this.logger.info({ taskId, task, attempt }, message);
    if (!this.logger.isLevelEnabled('info')) return;
    this.parts[symbols.streamSym].write(this.line(message, taskId, task, attempt, this.parts[symbols.timeSym]()));
  }

  private line(message: TaskLineMessage, taskId: string, task: string, attempt: number, time: string): string {
    const { parts } = this;
    return (
      `${parts[symbols.lsCacheSym][INFO]}${time}${parts[symbols.chindingsSym]}` +
      `,"taskId":${JSON.stringify(taskId)},"task":${this.jsonOf(task)},"attempt":${attempt},"msg":"${message}"${parts[symbols.endSym]}`
    );
  }

  private jsonOf(name: string): string {
    let json = this.names.get(name);
    if (json === undefined) {
      json = JSON.stringify(name);
      this.names.set(name, json);
    }
    return json;
  }
}
