/**
 * One progress line: rewritten in place on a terminal, one line per step otherwise (a log file,
 * CI). Remaining time is the plan's estimate minus what has elapsed.
 */
export class Progress {
  private readonly startedAt = Date.now();
  private readonly tty = Boolean(process.stderr.isTTY);
  private label = 'starting';
  private readonly plannedMs: number;
  private timer?: NodeJS.Timeout;

  constructor(plannedMs: number) {
    this.plannedMs = plannedMs;
    if (this.tty) this.timer = setInterval(() => this.draw(), 500).unref();
  }

  step(label: string): void {
    this.label = label;
    if (this.tty) this.draw();
    else process.stderr.write(`${this.line()}\n`);
  }

  /** A line of its own (a warning, a finished figure), kept above the progress line. */
  note(text: string): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`${text}\n`);
    if (this.tty) this.draw();
  }

  done(): void {
    clearInterval(this.timer);
    if (this.tty) process.stderr.write('\r\x1b[2K');
    process.stderr.write(`bench finished in ${formatDuration(Date.now() - this.startedAt)}\n`);
  }

  private line(): string {
    const elapsed = Date.now() - this.startedAt;
    const remaining = Math.max(0, this.plannedMs - elapsed);
    return `[${formatDuration(elapsed)} elapsed, ~${formatDuration(remaining)} left] ${this.label}`;
  }

  private draw(): void {
    process.stderr.write(`\r\x1b[2K${this.line().slice(0, (process.stderr.columns ?? 120) - 1)}`);
  }
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
