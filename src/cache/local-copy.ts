/** What a read of the shared store took note of when it started; see {@link LocalCopy.keep}. */
export interface ReadTicket {
  readonly generation: number;
  readonly startedAt: number;
}

interface Held<T> {
  readonly value: T;
  readonly expiresAt: number;
}

/**
 * This process's copies of shared cache entries, each kept at most `ttlMs` from the moment the
 * read that fetched it was sent, and only while the copy is enabled (while invalidations can
 * reach it). Every drop, enable and disable starts a new generation, and a read that started in
 * an older one is not kept: an invalidation that arrives while a read of the old value is still
 * on the wire cannot be undone by that read's answer.
 */
export class LocalCopy<T> {
  private readonly held = new Map<string, Held<T>>();
  private generation = 0;
  private enabled = false;

  constructor(
    private readonly ttlMs: number,
    /** A monotonic clock in milliseconds: a wall-clock step must not stretch a copy's life. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** The copy of `key`, unless there is none, it is older than `ttlMs`, or the copy is disabled. */
  get(key: string): T | undefined {
    const held = this.held.get(key);
    if (held === undefined) return undefined;
    if (this.now() < held.expiresAt) return held.value;
    this.held.delete(key);
    return undefined;
  }

  /** Call before reading the shared store; hand the ticket to {@link keep} with what was read. */
  begin(): ReadTicket {
    return { generation: this.generation, startedAt: this.now() };
  }

  /** Keeps what a read begun with `ticket` got, unless anything was invalidated since it began. */
  keep(key: string, value: T, ticket: ReadTicket): void {
    if (!this.enabled || ticket.generation !== this.generation) return;
    this.held.set(key, { value, expiresAt: ticket.startedAt + this.ttlMs });
  }

  /** Forgets `key`: the shared entry changed. */
  drop(key: string): void {
    this.generation++;
    this.held.delete(key);
  }

  /** Invalidations reach this process again: start empty, since some may have been missed. */
  enable(): void {
    this.clear();
    this.enabled = true;
  }

  /** Invalidations may not reach this process: forget everything and keep nothing until enabled. */
  disable(): void {
    this.clear();
    this.enabled = false;
  }

  private clear(): void {
    this.generation++;
    this.held.clear();
  }
}
