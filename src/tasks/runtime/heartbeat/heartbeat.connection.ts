import { Cluster, Redis, type RedisOptions } from 'ioredis';

// Loaded by the heartbeat thread as well: erasable syntax only (see heartbeat.store.ts).

/** Where the heartbeat connects: the queue Redis, as the worker's configuration names it. */
export interface HeartbeatRedis {
  readonly redis: {
    readonly host: string;
    readonly port: number;
    readonly db: number;
    readonly username?: string;
    readonly password?: string;
  };
  /** A seed node of a Redis Cluster (`QUEUE_REDIS_CLUSTER`). */
  readonly cluster: boolean;
}

/** Reconnects quickly: a heartbeat that waits long for Redis expires. */
const MAX_RECONNECT_DELAY_MS = 500;

/**
 * A connection of the heartbeat's own, apart from Bull's: Bull's commands wait for Redis however
 * long it is away and its reconnections back off to 2 s, whereas a beat must fail at once (the
 * loop reports it and sends a fresh one next interval) and the connection come back well within
 * a TTL.
 */
export function connectHeartbeat({ redis, cluster }: HeartbeatRedis): Redis | Cluster {
  const { host, port, db, username, password } = redis;
  const options: RedisOptions = {
    username,
    password,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    // A beat Redis cannot take fails after one reconnection attempt and is reported; the next
    // interval sends a new one, instead of a queue of stale beats piling up meanwhile.
    maxRetriesPerRequest: 1,
  };
  const connection = cluster
    ? new Cluster([{ host, port }], { redisOptions: options, clusterRetryStrategy: options.retryStrategy })
    : new Redis({ ...options, host, port, db });
  // Connection errors are the loop's to report, once per outage.
  connection.on('error', () => undefined);
  return connection;
}
