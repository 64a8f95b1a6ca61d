import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const PRELOAD = join(__dirname, '..', 'support', 'loaded-modules.preload.cjs');
const OPTIMIZATION_PROBE = join(__dirname, '..', 'support', 'optimization-status.preload.cjs');
/** V8's `%GetOptimizationStatus` bit for a function that runs optimized code (V8's `OptimizationStatus`). */
const OPTIMIZED = 1 << 4;
const DIST = join(__dirname, '..', '..', 'dist') + sep;

/**
 * What a running `node dist/main` has loaded: the packages, the files of our build and Node's own
 * modules; and how many date formatters it has built.
 */
interface Loaded {
  readonly packages: ReadonlySet<string>;
  readonly files: ReadonlySet<string>;
  readonly builtins: ReadonlySet<string>;
  readonly dateFormats: number;
}

function packageOf(path: string): string | undefined {
  const at = path.lastIndexOf(`node_modules${sep}`);
  if (at < 0) return undefined;
  const [scope, name] = path.slice(at + 'node_modules/'.length).split(sep);
  return scope.startsWith('@') ? `${scope}/${name}` : scope;
}

/** The JSON a preload writes (aside, then renamed) once signalled, as soon as it is there. */
async function writtenJson<T>(path: string, what: string): Promise<T> {
  const value = await pollUntil(
    () => {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as T;
      } catch {
        return undefined;
      }
    },
    (read) => read !== undefined,
    `${what} in ${path}`,
  );
  return value!;
}

describe('what each role loads (e2e: node dist/main, real MariaDB and Redis)', () => {
  let environment: TestEnvironment;
  let directory: string;
  const started: MainProcess[] = [];

  /** Has the preload of a running process list `require.cache` and Node's modules loaded, and count its date formatters. */
  async function loadedNow(sut: MainProcess, listing: string): Promise<Loaded> {
    rmSync(listing, { force: true });
    sut.child.kill('SIGUSR2');
    const listed = await writtenJson<{ files: string[]; builtins: string[]; dateFormats: number }>(listing, 'the module listing');
    return {
      packages: new Set(listed.files.map(packageOf).filter((name): name is string => name !== undefined)),
      files: new Set(listed.files.filter((path) => path.startsWith(DIST)).map((path) => path.slice(DIST.length))),
      builtins: new Set(listed.builtins),
      dateFormats: listed.dateFormats,
    };
  }

  /** Starts the roles and waits for Ready. */
  async function start(role: string): Promise<{ sut: MainProcess; url?: string; listing: string }> {
    const listing = join(directory, `${role}.json`);
    const sut = new MainProcess(
      [`--role=${role}`],
      { ...environment.env, LOADED_MODULES_FILE: listing },
      { nodeArgs: ['--require', PRELOAD] },
    );
    started.push(sut);
    const url = await sut.ready();
    return { sut, url, listing };
  }

  /**
   * Whether V8 optimizes a function that the probe preloaded into the roles' process asks it to,
   * and whether the process logged that it turned the optimizing compilers off (at `debug`).
   */
  async function optimizesCode(role: string): Promise<{ optimized: boolean; saidOff: boolean }> {
    const statusFile = join(directory, `${role}.optimization.json`);
    const sut = new MainProcess(
      [`--role=${role}`],
      { ...environment.env, LOG_LEVEL: 'debug', OPTIMIZATION_STATUS_FILE: statusFile },
      { nodeArgs: ['--allow-natives-syntax', '--require', OPTIMIZATION_PROBE] },
    );
    started.push(sut);
    await sut.ready();
    sut.child.kill('SIGUSR2');
    const status = await writtenJson<number>(statusFile, 'the optimization status');
    return {
      optimized: (status & OPTIMIZED) !== 0,
      saidOff: sut.lines.some((line) => line.includes(`"msg":"V8's optimizing compilers are off`)),
    };
  }

  /** Starts the roles, waits for Ready, then has the preload list `require.cache`. */
  async function loadedBy(role: string): Promise<Loaded> {
    const { sut, listing } = await start(role);
    return loadedNow(sut, listing);
  }

  beforeAll(() => {
    environment = createTestEnvironment();
    directory = mkdtempSync(join(tmpdir(), 'role-footprint-'));
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((process) => process.stop()));
  });

  afterAll(async () => {
    rmSync(directory, { recursive: true, force: true });
    await environment.dispose();
  });

  it('builds none of the testing tasks into dist/: the suites load them from test/', () => {
    const files = readdirSync(DIST, { recursive: true, encoding: 'utf8' });
    const naming = files.filter(
      (file) => file.endsWith('.js') && /['"]testing\.(fail|flaky|gate|sleep)['"]/.test(readFileSync(join(DIST, file), 'utf8')),
    );

    expect(files.filter((file) => file.includes('testing'))).toEqual([]);
    expect(naming).toEqual([]);
  });

  it("beat loads no TypeORM, MySQL, cache, Fastify, Swagger, bull-board, terminus, pool of threads, workflows, prom-client (no METRICS_PORT) or the worker's registered queues", async () => {
    const { packages, files } = await loadedBy('beat');

    for (const name of ['bull', '@nestjs/schedule']) expect(packages).toContain(name);
    expect(files).toContain('beat/beat.scheduler.js');
    expect(files).not.toContain('tasks/workflows/workflows.service.js');
    expect(files).not.toContain('metrics/prometheus-metrics.js');
    for (const name of [
      'prom-client',
      'typeorm',
      '@nestjs/typeorm',
      'mysql2',
      '@nestjs/cache-manager',
      '@keyv/redis',
      'fastify',
      '@nestjs/platform-fastify',
      '@nestjs/swagger',
      '@bull-board/api',
      '@nestjs/terminus',
      'piscina',
      '@nestjs/bull',
    ]) {
      expect(packages).not.toContain(name);
    }
  });

  it("beat runs without V8's optimizing compilers, and says so at debug; a worker beside it keeps them, as does the api", async () => {
    expect(await optimizesCode('beat')).toEqual({ optimized: false, saidOff: true });
    expect(await optimizesCode('worker,beat')).toEqual({ optimized: true, saidOff: false });
    expect(await optimizesCode('api')).toEqual({ optimized: true, saidOff: false });
  });

  it('worker loads the processor, MySQL, the cache and the pool of isolated tasks (for fib), but no Fastify, Swagger, bull-board, terminus or prom-client (no METRICS_PORT)', async () => {
    const { packages, files } = await loadedBy('worker');

    expect(files).toContain('tasks/runtime/tasks.processor.js');
    // The pool of isolated tasks, for fib; its handler file is loaded at start to check it.
    expect(files).toContain('tasks/runtime/isolated/isolated-pool.js');
    expect(files).toContain('tasks/seed/fib.task.js');
    for (const name of ['typeorm', 'mysql2', '@nestjs/cache-manager', 'piscina', '@nestjs/bull']) expect(packages).toContain(name);
    for (const name of [
      'fastify',
      '@nestjs/platform-fastify',
      '@nestjs/swagger',
      '@bull-board/api',
      '@bull-board/fastify',
      '@nestjs/terminus',
      'prom-client',
    ]) {
      expect(packages).not.toContain(name);
    }
  });

  it("api loads everything HTTP but no processor, no worker's registered queues, no pool of threads and no isolated handler", async () => {
    const { packages, files } = await loadedBy('api');

    for (const name of ['fastify', '@nestjs/swagger', '@nestjs/terminus', 'typeorm', 'prom-client']) expect(packages).toContain(name);
    expect(files).not.toContain('tasks/runtime/tasks.processor.js');
    expect(files).not.toContain('tasks/seed/fib.task.js');
    expect(packages).not.toContain('piscina');
    expect(packages).not.toContain('@nestjs/bull');
  });

  it("loads no undici (Node's fetch and WebSocket client) in any role by Ready, though Nest imports node:http as an ES module", async () => {
    const { builtins } = await loadedBy('api,worker,beat');

    expect(builtins).toContain('http');
    expect([...builtins].filter((name) => name.includes('undici'))).toEqual([]);
  });

  it("builds no date formatter in any role by Ready, Nest's console logger's included (ICU's date data, about 7 MB)", async () => {
    const { dateFormats } = await loadedBy('api,worker,beat');

    expect(dateFormats).toBe(0);
  });

  it('api loads bull-board on the first request to the queue dashboard, not before', async () => {
    const { sut, url, listing } = await start('api');
    const before = await loadedNow(sut, listing);
    const login = `Basic ${Buffer.from(`admin:${environment.env.ADMIN_TOKEN}`).toString('base64')}`;
    const page = await fetch(`${url}/admin/queues`, { headers: { authorization: login } });
    const after = await loadedNow(sut, listing);

    expect(page.status).toBe(200);
    for (const name of ['@bull-board/api', '@bull-board/fastify', 'ejs']) {
      expect(before.packages).not.toContain(name);
      expect(after.packages).toContain(name);
    }
    expect(before.files).not.toContain('dashboard/queue-board.js');
    expect(after.files).toContain('dashboard/queue-board.js');
  });
});
