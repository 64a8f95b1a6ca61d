/** An item waiting for its group's hand-over, and how to answer its caller. */
interface Entry<T, R> {
  readonly item: T;
  readonly resolve: (answer: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Hands items over in groups, one call per group: an item submitted when nothing of its key is in
 * flight goes at the end of the current turn of the event loop, with whatever else was submitted
 * in that turn; items submitted while a call is in flight go together in the next call, as soon as
 * it returns (a database's group commit). Alone, an item waits for nothing; under load, groups grow
 * by themselves. Each key has its own calls, one at a time. With a gathering time, every call
 * waits that long for more items first.
 *
 * Unlike {@link Batch}, every caller awaits its own answer: the promise of `submit` settles once
 * the call that carried the item has returned, with the answer at the item's place, or rejects
 * with that call's error.
 */
export class GroupCommit<K, T, R> {
  /** What waits for the next call, per key; a key is here while it has a call scheduled or in flight. */
  private readonly lanes = new Map<K, { pending: Entry<T, R>[] }>();

  /**
   * @param handOver answers the items of one call, in their order (as many answers as items).
   * @param gatherMs how long each call waits for more items before it starts, for callers that do
   * not wait for their answers. @defaultValue 0: to the end of the turn, and none after a call
   */
  constructor(
    private readonly handOver: (key: K, items: readonly T[]) => Promise<readonly R[]>,
    private readonly gatherMs = 0,
  ) {}

  submit(key: K, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const lane = this.lanes.get(key);
      if (lane) {
        lane.pending.push({ item, resolve, reject });
        return;
      }
      const started = { pending: [{ item, resolve, reject }] };
      this.lanes.set(key, started);
      setImmediate(() => void this.drain(key, started));
    });
  }

  private async drain(key: K, lane: { pending: Entry<T, R>[] }): Promise<void> {
    while (lane.pending.length > 0) {
      if (this.gatherMs > 0) await new Promise((resolve) => setTimeout(resolve, this.gatherMs));
      const group = lane.pending;
      lane.pending = [];
      try {
        const answers = await this.handOver(
          key,
          group.map((entry) => entry.item),
        );
        if (answers.length !== group.length) throw new Error(`${answers.length} answers for ${group.length} items`);
        group.forEach((entry, index) => entry.resolve(answers[index]));
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
    this.lanes.delete(key);
  }
}
