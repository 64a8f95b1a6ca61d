import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { freePort } from './free-port';

const START_TIMEOUT_MS = 20_000;

/**
 * A throw-away Redis Cluster of masters only (no replicas), from `redis-server` processes on free
 * ports with their node files in a temporary directory; {@link stop} kills them and removes it.
 */
export class TestRedisCluster {
  private constructor(
    private readonly dir: string,
    private readonly nodes: readonly { port: number; process: ChildProcess }[],
  ) {}

  static async start(masters = 3): Promise<TestRedisCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'bt-redis-cluster-'));
    const nodes: { port: number; process: ChildProcess }[] = [];
    const cluster = new TestRedisCluster(dir, nodes);
    try {
      for (let index = 0; index < masters; index++) {
        // The bus port is given too: the default, port + 10000, may be taken or past 65535.
        const [port, busPort] = [await freePort(), await freePort()];
        const args = ['--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1'];
        args.push('--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--dir', dir);
        args.push('--save', '', '--appendonly', 'no');
        nodes.push({ port, process: spawn('redis-server', args, { cwd: dir, stdio: 'ignore' }) });
      }
      await Promise.all(nodes.map(({ port }) => cluster.untilAnswers(port)));
      await promisify(execFile)(
        'redis-cli',
        ['--cluster', 'create', ...nodes.map(({ port }) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: START_TIMEOUT_MS },
      );
      await Promise.all(nodes.map(({ port }) => cluster.untilClusterOk(port)));
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  get ports(): number[] {
    return this.nodes.map(({ port }) => port);
  }

  /** A seed node's URL, as QUEUE_REDIS_URL takes it. */
  url(): string {
    return `redis://127.0.0.1:${this.nodes[0].port}`;
  }

  /** A plain (non-cluster) connection to one node, to look at what that node holds. */
  node(port: number): Redis {
    return new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async ({ process }) => {
        if (process.exitCode !== null || process.signalCode !== null) return;
        process.kill('SIGKILL');
        await once(process, 'exit');
      }),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async untilAnswers(port: number): Promise<void> {
    await this.poll(port, async (client) => (await client.ping()) === 'PONG', 'answer PING');
  }

  private async untilClusterOk(port: number): Promise<void> {
    await this.poll(port, async (client) => (await client.cluster('INFO')).includes('cluster_state:ok'), 'reach cluster_state:ok');
  }

  private async poll(port: number, done: (client: Redis) => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        if (await done(client)) return;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not ${what}: ${String(error)}`, { cause: error });
      } finally {
        client.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`redis-server on ${port} did not ${what} within ${START_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
