import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createClient } from '@keyv/redis';
import { freePort } from './free-port';

/**
 * A throw-away redis-server on a free port, for tests that take Redis away and bring it back on
 * the same port.
 */
export class TestRedisServer {
  private process?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly options: readonly string[],
  ) {}

  /** @param options more `redis-server` options, e.g. `['--maxmemory-policy', 'allkeys-lru']`. */
  static async start(options: readonly string[] = []): Promise<TestRedisServer> {
    const server = new TestRedisServer(await freePort(), options);
    await server.resume();
    return server;
  }

  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  /** Starts (again) on the same port and waits until it answers PING. */
  async resume(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...this.options],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = createClient({ url: this.url(), socket: { reconnectStrategy: false } });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        client.destroy();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start: ${String(error)}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing is answered, as with a hung Redis. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  /** Lets a paused server go on (SIGCONT). */
  unpause(): void {
    this.process?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    const process = this.process;
    if (!process || process.exitCode !== null || process.signalCode !== null) return;
    process.kill('SIGKILL');
    await once(process, 'exit');
  }
}
