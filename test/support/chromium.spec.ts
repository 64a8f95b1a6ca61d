import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CHROMIUM_MISSING, findChromium } from './chromium';

describe('findChromium', () => {
  let root: string;

  /** An empty directory for PATH, with the files given, executable unless said otherwise. */
  const directory = (name: string, files: Record<string, { executable: boolean }> = {}): string => {
    const path = join(root, name);
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path);
    for (const [file, { executable }] of Object.entries(files)) {
      writeFileSync(join(path, file), '#!/bin/sh\n');
      chmodSync(join(path, file), executable ? 0o755 : 0o644);
    }
    return path;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'chromium-finder-'));
  });

  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('takes CHROMIUM_PATH first, before anything on PATH', () => {
    const custom = directory('custom', { 'my-chrome': { executable: true } });
    const bin = directory('bin', { chromium: { executable: true } });

    expect(findChromium({ CHROMIUM_PATH: join(custom, 'my-chrome'), PATH: bin })).toBe(join(custom, 'my-chrome'));
  });

  it('fails in one line when CHROMIUM_PATH is not an executable file, rather than looking further', () => {
    const bin = directory('bin', { chromium: { executable: true }, 'not-executable': { executable: false } });

    expect(() => findChromium({ CHROMIUM_PATH: join(bin, 'not-executable'), PATH: bin })).toThrow(
      `CHROMIUM_PATH=${join(bin, 'not-executable')} is not an executable file`,
    );
    expect(() => findChromium({ CHROMIUM_PATH: join(root, 'missing'), PATH: bin })).toThrow(/^CHROMIUM_PATH=\S+ is not/);
  });

  it('tries chromium, then chromium-browser, then google-chrome, each across the whole PATH', () => {
    const first = directory('first', { 'google-chrome': { executable: true } });
    const second = directory('second', { 'chromium-browser': { executable: true } });
    const third = directory('third', { chromium: { executable: true } });
    const path = (...directories: string[]) => directories.join(delimiter);

    expect(findChromium({ PATH: path(first, second, third) })).toBe(join(third, 'chromium'));
    expect(findChromium({ PATH: path(first, second) })).toBe(join(second, 'chromium-browser'));
    expect(findChromium({ PATH: path(first) })).toBe(join(first, 'google-chrome'));
  });

  it('skips a file that is not executable and a directory of the same name', () => {
    const plain = directory('plain', { chromium: { executable: false } });
    const nested = directory('nested');
    mkdirSync(join(nested, 'chromium'));
    const real = directory('real', { 'google-chrome': { executable: true } });

    expect(findChromium({ PATH: [plain, nested, real].join(delimiter) })).toBe(join(real, 'google-chrome'));
  });

  it('fails with one line saying what to install or set when there is none', () => {
    const empty = directory('empty');

    expect(() => findChromium({ PATH: empty })).toThrow(CHROMIUM_MISSING);
    expect(() => findChromium({})).toThrow(CHROMIUM_MISSING);
    expect(CHROMIUM_MISSING).not.toContain('\n');
    expect(CHROMIUM_MISSING).toMatch(/apt-get install chromium.*CHROMIUM_PATH/);
  });
});
