import { Cluster } from 'ioredis';
import type { HeartbeatConnection, HeartbeatRedis } from './heartbeat.connection.ts';

// Loaded by the heartbeat thread as well, on a Redis Cluster only: erasable syntax only (see
// heartbeat.store.ts).

/**
 * The heartbeat's connection to a Redis Cluster (`QUEUE_REDIS_CLUSTER`): ioredis's, which follows
 * the slots and their moves, with the same bounds as RespConnection on a single Redis.
 * @param reconnectDelayMs heartbeat.connection.ts's, passed in so that this file loads nothing of
 * ours: the e2e tests load it from the sources, where a value import would need its `.ts` name.
 */
export function connectClusterHeartbeat(
  { host, port, username, password }: HeartbeatRedis['redis'],
  reconnectDelayMs: (attempt: number) => number,
): HeartbeatConnection {
  const cluster = new Cluster([{ host, port }], {
    // A beat Redis cannot take fails after one reconnection attempt and is reported; the next
    // interval sends a new one, instead of a queue of stale beats piling up meanwhile.
    redisOptions: { username, password, maxRetriesPerRequest: 1 },
    clusterRetryStrategy: reconnectDelayMs,
  });
  // Connection errors are the loop's to report, once per outage.
  cluster.on('error', () => undefined);
  return cluster;
}
