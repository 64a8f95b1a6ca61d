/**
 * Gathers items and hands them over together, at most `delayMs` after the first one: many small
 * commands become one round trip. {@link flush} hands over what is pending at once.
 */
export class Batch<T> {
  private items: T[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly delayMs: number,
    private readonly handOver: (items: T[]) => Promise<void>,
  ) {}

  add(item: T): void {
    this.items.push(item);
    this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    await this.handOver(items);
  }
}
