/** An item waiting for its group's hand-over, and how to answer its caller. */
interface Entry<T, R> {
  readonly item: T;
  readonly resolve: (answer: R) => void;
  readonly reject: (error: unknown) => void;
}

/** A key's items waiting for the next call, and how to end the gathering time early. */
interface Lane<T, R> {
  pending: Entry<T, R>[];
  /** Set while the lane waits out its gathering time: starts the call at once. */
  wake?: () => void;
}

/** How long each call gathers items, and when it need not. */
export interface Gathering<K> {
  /** How long each call waits for more items before it starts, for callers that do not wait for their answers. */
  readonly ms: number;
  /**
   * Whether the items waiting are all the key expects for now (`waiting` of them): the call starts
   * at once instead of waiting out {@link ms}.
   */
  readonly isWhole: (key: K, waiting: number) => boolean;
}

/**
 * Hands items over in groups, one call per group: an item submitted when nothing of its key is in
 * flight goes at the end of the current turn of the event loop, with whatever else was submitted
 * in that turn; items submitted while a call is in flight go together in the next call, as soon as
 * it returns (a database's group commit). Alone, an item waits for nothing; under load, groups grow
 * by themselves. Each key has its own calls, one at a time. With a gathering time, every call
 * waits that long for more items first, unless the items waiting are whole.
 *
 * Unlike {@link Batch}, every caller awaits its own answer: the promise of `submit` settles once
 * the call that carried the item has returned, with the answer at the item's place, or rejects
 * with that call's error.
 */
export class GroupCommit<K, T, R> {
  /** What waits for the next call, per key; a key is here while it has a call scheduled or in flight. */
  private readonly lanes = new Map<K, Lane<T, R>>();

  /**
   * @param handOver answers the items of one call, in their order (as many answers as items).
   * @param gathering how long each call gathers items. @defaultValue none: to the end of the turn, and none after a call
   */
  constructor(
    private readonly handOver: (key: K, items: readonly T[]) => Promise<readonly R[]>,
    private readonly gathering?: Gathering<K>,
  ) {}

  submit(key: K, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const lane = this.lanes.get(key);
      if (lane) {
        lane.pending.push({ item, resolve, reject });
        if (lane.wake && this.gathering?.isWhole(key, lane.pending.length)) lane.wake();
        return;
      }
      const started: Lane<T, R> = { pending: [{ item, resolve, reject }] };
      this.lanes.set(key, started);
      setImmediate(() => void this.drain(key, started));
    });
  }

  private async drain(key: K, lane: Lane<T, R>): Promise<void> {
    while (lane.pending.length > 0) {
      await this.gather(key, lane);
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

  /** Waits out the gathering time, or until the items waiting are whole. */
  private async gather(key: K, lane: Lane<T, R>): Promise<void> {
    const gathering = this.gathering;
    if (!gathering || gathering.isWhole(key, lane.pending.length)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => lane.wake?.(), gathering.ms);
      lane.wake = () => {
        clearTimeout(timer);
        lane.wake = undefined;
        resolve();
      };
    });
  }
}
