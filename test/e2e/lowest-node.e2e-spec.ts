import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion } from 'semver';
import { mainProcessSuite } from '../support/main-process-suite';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'main.js');

/**
 * The lowest Node of package.json's `engines`, installed by the `lowest-node` devDependency
 * (test/lowest-node: a package of its own, so its `node` binary does not replace the project's
 * Node 24 in node_modules/.bin).
 */
const LOWEST_NODE = join(ROOT, 'test', 'lowest-node', 'node_modules', 'node', 'bin', 'node');

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

describe('node dist/main on the lowest Node that engines allows (e2e, real MariaDB and Redis)', () => {
  const suite = mainProcessSuite();

  it('has that Node installed: the version engines starts at', () => {
    const { engines } = readJson<{ engines: { node: string } }>(join(ROOT, 'package.json'));

    const lowest = minVersion(engines.node)?.version;

    expect(execFileSync(LOWEST_NODE, ['--version'], { encoding: 'utf8' }).trim()).toBe(`v${lowest}`);
  });

  it('starts the api, answers GET /api/home/banners with 200, and stops cleanly on SIGTERM', async () => {
    const sut = suite.start(['--role=api'], {}, { command: [LOWEST_NODE, MAIN] });
    const url = await sut.ready();

    const response = await fetch(`${url}/api/home/banners`);

    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual([]);
    sut.signal('SIGTERM');
    await expect(sut.exitCode()).resolves.toBe(0);
    expect(sut.lines.join('\n')).not.toMatch(/"level":(40|50|60)/);
  });
});
