import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The names a Chromium or Chrome executable goes by on `PATH`, in the order they are tried. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome'] as const;

export const CHROMIUM_MISSING =
  'No Chromium for the browser tests: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH to a Chromium or Chrome executable';

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The browser the browser tests drive: `CHROMIUM_PATH` when set, else the first of
 * {@link CHROMIUM_NAMES} found on `PATH`. Throws one line saying what to install or set, so a
 * missing browser fails the tests instead of skipping them. (A PATH walk is a few lines; the
 * `which` package would add a dependency for no more.)
 */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (isExecutableFile(configured)) return configured;
    throw new Error(`CHROMIUM_PATH=${configured} is not an executable file: point it at a Chromium or Chrome executable, or unset it`);
  }
  const directories = (env.PATH ?? '').split(delimiter).filter((directory) => directory !== '');
  for (const name of CHROMIUM_NAMES) {
    for (const directory of directories) {
      const candidate = join(directory, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  throw new Error(CHROMIUM_MISSING);
}

/**
 * Chromium's flags for the browser tests. On a closed network Chromium's own background
 * connections are refused, so every one of them is switched off.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];
