import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { lastResortCollection } from '../../../memory/last-resort-collection.ts';
import { type HeartbeatConnection, type HeartbeatRedis, reconnectDelayMs, RespConnection } from './heartbeat.connection.ts';
import { type HeartbeatLoopState, type HeartbeatReport, HeartbeatLoop } from './heartbeat.loop.ts';
import { HeartbeatStore, type HeartbeatTarget, type HeartbeatTimings } from './heartbeat.store.ts';

// The heartbeat of a worker process while it runs tasks, in a thread of its own with its own Redis
// connection, so that a handler blocking the main event loop does not stop it: only the death of
// the process does. Started by WorkerHeartbeat, which passes this data; Node may run this file
// from the TypeScript source (erasable syntax only, see heartbeat.store.ts).

/** What the main thread passes to the heartbeat thread. */
export interface HeartbeatThreadData extends HeartbeatRedis {
  readonly targets: readonly HeartbeatTarget[];
  readonly timings: HeartbeatTimings;
  readonly intervalMs: number;
  /** The main thread's loop's, which beat before this thread. */
  readonly state: HeartbeatLoopState;
}

/**
 * Messages from the main thread: `retire` (stop reaping), `leave` (stop beating and exit: the main
 * thread beats again) and `stop` (the same, ending the heartbeat).
 */
export type HeartbeatCommand = 'retire' | 'leave' | 'stop';

/**
 * Messages to the main thread: the loop's reports, `beating` once its first beat has answered, and
 * `collected` once it has given back the garbage of its start-up (its V8 heap before and after, in MB).
 */
export type HeartbeatThreadMessage =
  HeartbeatReport | { readonly kind: 'beating' } | { readonly kind: 'collected'; readonly heapMb: readonly [number, number] };

const heapMb = () => Math.round((getHeapStatistics().total_heap_size / 2 ** 20) * 10) / 10;

/** The heartbeat's connection; ioredis, which a thread need not load otherwise, on a Redis Cluster only. */
async function connect({ redis, cluster }: HeartbeatRedis): Promise<HeartbeatConnection> {
  if (!cluster) return new RespConnection(redis);
  const { connectClusterHeartbeat } = await import('./heartbeat.cluster-connection.ts');
  return connectClusterHeartbeat(redis, reconnectDelayMs);
}

async function run(port: NonNullable<typeof parentPort>, data: HeartbeatThreadData): Promise<void> {
  const redis = await connect(data);
  const report = (message: HeartbeatThreadMessage) => port.postMessage(message);
  const loop = new HeartbeatLoop(data.targets, new HeartbeatStore(redis, data.timings), data.intervalMs, report, data.state);
  port.on('message', (command: HeartbeatCommand) => {
    if (command === 'retire') return loop.retire();
    void (command === 'stop' ? loop.stop() : loop.pause()).finally(() => {
      redis.disconnect();
      port.close();
    });
  });
  void loop.start().then(() => {
    report({ kind: 'beating' });
    // Starting the thread and connecting leave garbage in this heap (about 6 MB with ioredis, as
    // on a Redis Cluster), which V8 would keep: a beat allocates too little to bring on a full
    // collection (BENCHMARKS.md).
    const before = heapMb();
    lastResortCollection()();
    report({ kind: 'collected', heapMb: [before, heapMb()] });
  });
}

if (parentPort) void run(parentPort, workerData as HeartbeatThreadData);
