/** What {@link LineChunks} hands its chunks to: pino's destination (sonic-boom) writing at once. */
export interface ChunkSink {
  write(chunk: string): unknown;
  flush(callback: (error?: Error) => void): void;
  flushSync(): void;
}

/**
 * pino's stream: gathers lines into chunks of about `chunkLength` characters and hands each to the
 * sink in one write. sonic-boom gathers lines itself (its minLength), but measures the UTF-8 length
 * of its whole pending buffer on every line, which flattens the string built so far: about 2 KB
 * copied and scanned, and left as garbage, per line (BENCHMARKS.md, Tasks). Here a line costs a
 * string concatenation; the sink measures a chunk once.
 */
export class LineChunks {
  private pending = '';

  constructor(
    private readonly sink: ChunkSink,
    private readonly chunkLength: number,
  ) {}

  write(line: string): boolean {
    this.pending += line;
    if (this.pending.length >= this.chunkLength) this.handOver();
    return true;
  }

  /** pino's `logger.flush(callback)`: the pending lines are written before the callback runs. */
  flush(callback?: (error?: Error) => void): void {
    this.handOver();
    this.sink.flush(callback ?? noop);
  }

  /** pino's flush before a fatal line's exit, and this process's on exit. */
  flushSync(): void {
    this.handOver();
    this.sink.flushSync();
  }

  private handOver(): void {
    if (this.pending === '') return;
    const chunk = this.pending;
    this.pending = '';
    this.sink.write(chunk);
  }
}

function noop(): void {}
