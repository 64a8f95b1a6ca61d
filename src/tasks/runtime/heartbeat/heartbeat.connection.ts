import { connect, type Socket } from 'node:net';
import RedisParser from 'redis-parser';

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

/** The commands a heartbeat sends (HeartbeatStore): ioredis's clients answer them too. */
export interface HeartbeatCommands {
  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown>;
  del(key: string): Promise<number>;
}

/**
 * A connection of the heartbeat's own, apart from Bull's, closed when the heartbeat ends: Bull's
 * commands wait for Redis however long it is away and its reconnections back off to 2 s, whereas a
 * beat must fail at once (the loop reports it and sends a fresh one next interval) and the
 * connection come back well within a TTL.
 */
export interface HeartbeatConnection extends HeartbeatCommands {
  disconnect(): void;
}

/** Reconnects quickly: a heartbeat that waits long for Redis expires. */
const MAX_RECONNECT_DELAY_MS = 500;

/** How long a heartbeat's connection waits before its attempt number `attempt` (from 1) to reconnect. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS);
}
/** How long a connection attempt may take before it counts as failed (ioredis's default). */
const CONNECT_TIMEOUT_MS = 10_000;

type Command = readonly (string | number)[];

interface Pending {
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: Error) => void;
}

/** A command in RESP, as Redis reads it: an array of bulk strings. */
function encode(command: Command): string {
  let encoded = `*${command.length}\r\n`;
  for (const part of command) {
    const text = String(part);
    encoded += `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
  }
  return encoded;
}

/**
 * The connection of a heartbeat on a single Redis (for a Redis Cluster, see
 * heartbeat.cluster-connection.ts): a socket, the replies read by redis-parser (the parser of
 * ioredis itself), and nothing else. The heartbeat sends two commands, EVAL and DEL; ioredis, with
 * its cluster support, its hundreds of commands and the TLS and crypto modules it requires, cost
 * a worker about 1.5 MB more while its heartbeat thread lives, that is while it runs tasks
 * (BENCHMARKS.md, Memory target).
 *
 * It behaves as the heartbeat's ioredis client did (`maxRetriesPerRequest: 1`): a command is
 * written at once on a ready connection, before the call returns, so it reaches Redis even if the
 * event loop then blocks; one given while the connection is down waits for the next attempt and
 * fails with it; a lost connection fails the commands it carried and is opened again after
 * {@link reconnectDelayMs}. It sends `AUTH` and `SELECT`
 * as it opens.
 */
export class RespConnection implements HeartbeatConnection {
  private readonly redis: HeartbeatRedis['redis'];
  private socket: Socket | undefined;
  private ready = false;
  private closed = false;
  private failedAttempts = 0;
  private reopening: NodeJS.Timeout | undefined;
  /** Commands written and not answered yet: Redis answers in the order it reads. */
  private readonly answering: Pending[] = [];
  /** Commands given while no connection was ready. */
  private readonly waiting: { readonly command: Command; readonly pending: Pending }[] = [];

  constructor(redis: HeartbeatRedis['redis']) {
    this.redis = redis;
    this.open();
  }

  eval(script: string, numKeys: number, ...keysAndArgs: (string | number)[]): Promise<unknown> {
    return this.send(['EVAL', script, numKeys, ...keysAndArgs]);
  }

  del(key: string): Promise<number> {
    return this.send(['DEL', key]) as Promise<number>;
  }

  /** Closes the connection for good: the commands under way fail, and it opens no more. */
  disconnect(): void {
    this.closed = true;
    clearTimeout(this.reopening);
    this.socket?.destroy();
  }

  private send(command: Command): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) reject(new Error('The heartbeat connection is closed'));
      else if (this.ready) this.write(command, { resolve, reject });
      else this.waiting.push({ command, pending: { resolve, reject } });
    });
  }

  private write(command: Command, pending: Pending): void {
    this.answering.push(pending);
    this.socket?.write(encode(command));
  }

  private open(): void {
    const { host, port } = this.redis;
    const socket = connect({ host, port, noDelay: true });
    this.socket = socket;
    const parser = new RedisParser({
      returnReply: (reply) => this.answering.shift()?.resolve(reply),
      returnError: (error) => this.answering.shift()?.reject(error),
      returnFatalError: (error) => socket.destroy(error),
    });
    const attempt = setTimeout(() => socket.destroy(new Error(`connect timed out after ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    let lastError: Error | undefined;
    socket.on('data', (chunk: Buffer) => parser.execute(chunk));
    socket.on('error', (error) => (lastError = error));
    socket.once('connect', () => {
      clearTimeout(attempt);
      this.handshake(socket);
    });
    socket.once('close', () => {
      clearTimeout(attempt);
      this.lost(lastError);
    });
  }

  /** Authenticates and selects the database, then writes the commands that waited. */
  private handshake(socket: Socket): void {
    const { db, username, password } = this.redis;
    const steps: Command[] = [];
    if (password) steps.push(username ? ['AUTH', username, password] : ['AUTH', password]);
    if (db !== 0) steps.push(['SELECT', db]);
    const answered = steps.map((step) => new Promise((resolve, reject) => this.write(step, { resolve, reject })));
    Promise.all(answered).then(
      () => {
        this.ready = true;
        this.failedAttempts = 0;
        for (const { command, pending } of this.waiting.splice(0)) this.write(command, pending);
      },
      (error: Error) => socket.destroy(error),
    );
  }

  private lost(cause: Error | undefined): void {
    const { host, port } = this.redis;
    const error = new Error(`The heartbeat's connection to Redis at ${host}:${port} was lost${cause ? `: ${cause.message}` : ''}`);
    this.ready = false;
    for (const pending of this.answering.splice(0)) pending.reject(error);
    for (const { pending } of this.waiting.splice(0)) pending.reject(error);
    if (this.closed) return;
    this.failedAttempts++;
    this.reopening = setTimeout(() => this.open(), reconnectDelayMs(this.failedAttempts));
  }
}
