import { parentPort, workerData } from 'node:worker_threads';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import { type HeartbeatReport, HeartbeatLoop } from './heartbeat.loop.ts';
import { HeartbeatStore, type HeartbeatTarget, type HeartbeatTimings } from './heartbeat.store.ts';

// The heartbeat of a worker process, in a thread of its own with its own Redis connection, so that
// a handler blocking the main event loop does not stop it: only the death of the process does.
// Started by WorkerHeartbeat, which passes this data; Node may run this file from the TypeScript
// source (erasable syntax only, see heartbeat.store.ts).

/** What the main thread passes to the heartbeat thread. */
export interface HeartbeatThreadData {
  readonly redis: {
    readonly host: string;
    readonly port: number;
    readonly db: number;
    readonly username?: string;
    readonly password?: string;
  };
  readonly cluster: boolean;
  readonly targets: readonly HeartbeatTarget[];
  readonly timings: HeartbeatTimings;
  readonly intervalMs: number;
}

/** Messages from the main thread. */
export type HeartbeatCommand = 'retire' | 'stop';

/** Reconnects quickly: a heartbeat that waits long for Redis expires. */
const MAX_RECONNECT_DELAY_MS = 500;

function connect({ redis, cluster }: HeartbeatThreadData): Redis | Cluster {
  const { host, port, db, username, password } = redis;
  const options: RedisOptions = {
    username,
    password,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // A beat Redis cannot take fails after one reconnection attempt and is reported; the next
    // interval sends a new one, instead of a queue of stale beats piling up meanwhile.
    maxRetriesPerRequest: 1,
  };
  if (cluster) return new Cluster([{ host, port }], { redisOptions: options, clusterRetryStrategy: options.retryStrategy });
  return new Redis({ ...options, host, port, db });
}

function run(port: NonNullable<typeof parentPort>, data: HeartbeatThreadData): void {
  const redis = connect(data);
  // Connection errors are the loop's to report, once per outage.
  redis.on('error', () => undefined);
  const report = (message: HeartbeatReport) => port.postMessage(message);
  const loop = new HeartbeatLoop(data.targets, new HeartbeatStore(redis, data.timings), data.intervalMs, report);
  port.on('message', (command: HeartbeatCommand) => {
    if (command === 'retire') return loop.retire();
    void loop.stop().finally(() => {
      redis.disconnect();
      port.close();
    });
  });
  loop.start();
}

if (parentPort) run(parentPort, workerData as HeartbeatThreadData);
