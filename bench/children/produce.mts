/** What the bench asks a producer child for: `count` add tasks, each due at `etas[i]` (epoch ms) when given. */
export interface ProduceRequest {
  readonly count: number;
  readonly etas?: readonly number[];
  /** `fib` instead: fib(1), as trivial as add but isolated (the application's producer only). @defaultValue add */
  readonly task?: 'add' | 'fib';
}

export interface Produced {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly ids: string[];
}

/**
 * How many enqueues are in flight at once: enough to keep the connection busy, the same for the
 * application's producer and the bare one.
 */
const IN_FLIGHT = 64;

export async function enqueueAll(count: number, enqueue: (index: number) => Promise<string>): Promise<Produced> {
  const ids = new Array<string>(count);
  let next = 0;
  const startedAt = Date.now();
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, count) }, async () => {
      while (next < count) {
        const index = next++;
        ids[index] = await enqueue(index);
      }
    }),
  );
  return { startedAt, endedAt: Date.now(), ids };
}
