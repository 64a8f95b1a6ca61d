/**
 * `npm run bench`: GET /api/home/banners served from the Redis cache (HIT) against the same
 * endpoint with the cache Redis unreachable (BYPASS), where requests go to MySQL; concurrent ones
 * still share one query per process, so this is kinder to MySQL than the seed's miss path. Runs the built api (`node dist/main --role=api`) against the local
 * MariaDB and Redis, in a database and key prefix of its own that it drops afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { createConnection } from 'mysql2/promise';

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const MYSQL_SERVER = 'mysql://root@127.0.0.1:3306';
const DATABASE = `bt_bench_${randomBytes(4).toString('hex')}`;
const KEY_PREFIX = `bench-${DATABASE}`;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Starts the api on a free port and resolves with its base URL once it answers. */
async function startApi(env: Record<string, string>): Promise<{ api: ChildProcess; url: string }> {
  const url = `http://127.0.0.1:${await freePort()}`;
  const api = spawn(process.execPath, [join(process.cwd(), 'dist', 'main.js'), '--role=api'], {
    env: { PATH: process.env.PATH ?? '', ...env, PORT: new URL(url).port },
    stdio: 'inherit',
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (api.exitCode !== null) throw new Error(`The api exited with ${api.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { api, url };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  api.kill('SIGKILL');
  throw new Error('The api was not ready within 30 s');
}

async function stopApi(api: ChildProcess): Promise<void> {
  api.kill('SIGTERM');
  await once(api, 'exit');
}

async function seedBanners(): Promise<void> {
  const mysql = await createConnection({ uri: `${MYSQL_SERVER}/${DATABASE}` });
  try {
    for (let i = 1; i <= 10; i++) {
      await mysql.query('INSERT INTO banners (name, image, link, info, orders) VALUES (?, ?, ?, ?, ?)', [
        `Banner ${i}`,
        `/media/banner/${(i % 4) + 1}.png`,
        `https://example.com/${i}`,
        'A banner of the benchmark',
        i,
      ]);
    }
  } finally {
    await mysql.end();
  }
}

/** Drops the benchmark's database and its keys in the default cache and queue Redis databases. */
async function dropBenchData(): Promise<void> {
  const mysql = await createConnection({ uri: MYSQL_SERVER });
  await mysql.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await mysql.end();
  for (const db of [0, 1]) {
    const redis = new Redis({ host: '127.0.0.1', port: 6379, db });
    const keys = await redis.keys(`${KEY_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
}

interface Measured {
  label: string;
  xCache: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(label: string, url: string): Promise<Measured> {
  // The second request shows how the steady state is served (the first may fill the cache).
  await (await fetch(`${url}/api/home/banners`)).arrayBuffer();
  const probe = await fetch(`${url}/api/home/banners`);
  const xCache = probe.headers.get('x-cache') ?? '?';
  await probe.arrayBuffer();
  const result = await autocannon({
    url: `${url}/api/home/banners`,
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
  });
  return {
    label,
    xCache,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function main(): Promise<void> {
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATABASE_URL: `${MYSQL_SERVER}/${DATABASE}`,
    CACHE_KEY_PREFIX: KEY_PREFIX,
    QUEUE_PREFIX: KEY_PREFIX,
  };
  const results: Measured[] = [];
  try {
    const cached = await startApi(env);
    try {
      await seedBanners();
      results.push(await measure('cached (Redis)', cached.url));
    } finally {
      await stopApi(cached.api);
    }
    // A cache Redis that is not there: every request falls through to MySQL.
    const uncached = await startApi({ ...env, REDIS_URL: `redis://127.0.0.1:${await freePort()}/0` });
    try {
      results.push(await measure('MySQL (cache Redis down)', uncached.url));
    } finally {
      await stopApi(uncached.api);
    }
  } finally {
    await dropBenchData();
  }

  console.log(`\nGET /api/home/banners, ${CONNECTIONS} connections, ${DURATION_SECONDS} s each\n`);
  console.table(
    results.map(({ label, xCache, requestsPerSecond, p50, p99, errors }) => ({
      served: label,
      'X-Cache': xCache,
      'requests/s': requestsPerSecond,
      'p50 ms': p50,
      'p99 ms': p99,
      errors,
    })),
  );
  const [hit, bypass] = results;
  console.log(`Answers from the cache: ${(hit.requestsPerSecond / bypass.requestsPerSecond).toFixed(1)}× the throughput of answers from MySQL.`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
