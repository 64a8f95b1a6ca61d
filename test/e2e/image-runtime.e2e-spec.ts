import { execFile } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MainProcess } from '../support/main-process';
import { pollUntil } from '../support/poll';
import { createTestEnvironment, type TestEnvironment } from '../support/test-environment';

const ROOT = join(__dirname, '..', '..');

/** What the Dockerfile's last stage runs, read from it so that this test follows it. */
interface ImageRuntime {
  /** `ENV` of the runtime stage. */
  readonly env: Record<string, string>;
  /** The `ENTRYPOINT`'s arguments after `node`: its flags, then the script. */
  readonly nodeArgs: string[];
  /** Paths the runtime stage copies from the build context (not from the build stage). */
  readonly copied: string[];
}

function readImageRuntime(): ImageRuntime {
  const stages = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split(/^FROM /m);
  const runtime = stages[stages.length - 1];
  const env = Object.fromEntries([...runtime.matchAll(/^ENV (\w+)=(\S+)$/gm)].map(([, name, value]) => [name, value]));
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(runtime)?.[1];
  if (!entrypoint) throw new Error('The Dockerfile has no ENTRYPOINT in exec form');
  const [program, ...nodeArgs] = JSON.parse(entrypoint) as string[];
  if (program !== 'node') throw new Error(`The ENTRYPOINT runs ${program}, not node`);
  const copied = [...runtime.matchAll(/^COPY (?!.*--from)(?:--\S+ )*(\S+) \S+$/gm)].map(([, source]) => source);
  return { env, nodeArgs, copied };
}

/**
 * Under root (as CI runs), the service runs as `nobody`, as the image runs it as `node`: a write
 * outside its own files, or a read of root's, fails here as it would there.
 */
const AS_UNPRIVILEGED_USER = process.getuid?.() === 0 ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'] : [];

/**
 * The image's runtime without Docker: the build, its package files with production dependencies
 * only (`npm ci --omit=dev`: a runtime import of a devDependency fails the start), the
 * ENTRYPOINT's Node flags, an unprivileged user, and each role against MariaDB and Redis.
 */
describe("the Dockerfile's runtime, without Docker: api, worker and beat (e2e, real MariaDB and Redis)", () => {
  const runtime = readImageRuntime();
  let environment: TestEnvironment;
  let app: string;
  const started: MainProcess[] = [];

  const start = (role: string): MainProcess => {
    const sut = new MainProcess(
      [`--role=${role}`],
      { ...environment.env, ...runtime.env },
      {
        command: [...AS_UNPRIVILEGED_USER, process.execPath, ...runtime.nodeArgs],
        cwd: app,
      },
    );
    started.push(sut);
    return sut;
  };

  beforeAll(async () => {
    environment = createTestEnvironment();
    app = mkdtempSync(join(tmpdir(), 'image-runtime-'));
    chmodSync(app, 0o755);
    for (const path of ['dist', 'package-lock.json', ...runtime.copied]) cpSync(join(ROOT, path), join(app, path), { recursive: true });
    // Production dependencies run no install script (package.json's allowScripts refuses theirs).
    await promisify(execFile)('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: app,
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(started.map((sut) => sut.stop()));
    await environment.dispose();
    rmSync(app, { recursive: true, force: true });
  });

  it('reads the runtime from the Dockerfile: production, its Node flags, dist/main', () => {
    expect(runtime.env.NODE_ENV).toBe('production');
    expect(runtime.nodeArgs.at(-1)).toBe('dist/main');
    expect(runtime.copied).toContain('package.json');
    expect(existsSync(join(app, 'node_modules', '@nestjs', 'core'))).toBe(true);
    expect(existsSync(join(app, 'node_modules', 'jest'))).toBe(false);
  });

  it('starts the three roles, serves the banners, runs a task, and stops each with exit 0', async () => {
    const api = start('api');
    const url = await api.ready();
    const [worker, beat] = [start('worker'), start('beat')];
    await Promise.all([worker.ready(), beat.ready()]);

    if (AS_UNPRIVILEGED_USER.length > 0) {
      for (const sut of [api, worker, beat]) {
        expect(readFileSync(`/proc/${sut.child.pid}/status`, 'utf8')).toMatch(/^Uid:\s+65534\s/m);
      }
    }
    expect((await fetch(`${url}/api/home/banners`)).status).toBe(200);
    const headers = { authorization: `Bearer ${environment.env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const enqueued = await fetch(`${url}/api/admin/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'add', args: [10, 20] }),
    });
    expect(enqueued.status).toBe(202);
    const { id } = (await enqueued.json()) as { id: string };
    const done = await pollUntil(
      async () => (await (await fetch(`${url}/api/admin/tasks/${id}`, { headers })).json()) as { state: string; result: unknown },
      (status) => status.state === 'SUCCESS' || status.state === 'FAILURE',
      `task ${id} to finish`,
    );
    expect(done).toMatchObject({ state: 'SUCCESS', result: 30 });

    for (const sut of [api, worker, beat]) sut.signal('SIGTERM');
    await expect(Promise.all([api, worker, beat].map((sut) => sut.exitCode()))).resolves.toEqual([0, 0, 0]);
  });
});
