import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** Gives the child the testing tasks, which the build does not contain (see the preload). */
const TESTING_TASKS = ['--require', join(__dirname, 'testing-tasks.preload.cjs')];

/** How to start the process when it is not this Node running `dist/main` with the testing tasks. */
export interface MainProcessOptions {
  /**
   * The program and its first arguments, before `args`, run as given (without the testing tasks).
   * @defaultValue this Node, `nodeArgs` and `dist/main.js`
   */
  readonly command?: readonly string[];
  /**
   * Options for this Node before `dist/main.js`, when `command` is not given. Pass others (or none)
   * to run the build exactly as production does. @defaultValue the preload of the testing tasks
   */
  readonly nodeArgs?: readonly string[];
  /** @defaultValue this process's working directory */
  readonly cwd?: string;
  /**
   * Its own process group, stopped as a whole: for a shell that starts `node dist/main` itself.
   * @defaultValue false
   */
  readonly group?: boolean;
}

/** `node dist/main …` in a child process, with its output collected line by line. */
export class MainProcess {
  readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<number | null>;
  private readonly group: boolean;

  constructor(args: readonly string[], env: Readonly<Record<string, string>>, options: MainProcessOptions = {}) {
    const [program, ...programArgs] = options.command ?? [process.execPath, ...(options.nodeArgs ?? TESTING_TASKS), MAIN];
    this.group = options.group ?? false;
    this.child = spawn(program, [...programArgs, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: options.cwd,
      detached: this.group,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
  }

  get lines(): string[] {
    return this.output.split('\n').filter((line) => line.trim() !== '');
  }

  /** Resolves with the first output line that matches, or fails with everything printed so far. */
  async waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((candidate) => pattern.test(candidate));
      if (line) return line;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`No line matched ${pattern} (exit code ${this.child.exitCode}):\n${this.output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for "Ready" and returns the HTTP base URL when the process serves one. */
  async ready(): Promise<string | undefined> {
    const line = await this.waitForLine(/"msg":"Ready/);
    return /listening on (http:\/\/[^"]+)/.exec(line)?.[1];
  }

  /** The exit code; fails if the process is still running after the timeout. */
  async exitCode(timeoutMs = 20_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Still running after ${timeoutMs} ms:\n${this.output}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the process if it still runs (used in `afterEach`, so no test leaves one behind). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signal('SIGKILL');
    await this.exited;
  }

  /** Signals the process, or its whole group when it was started as one. */
  signal(signal: NodeJS.Signals): void {
    if (this.group && this.child.pid !== undefined) process.kill(-this.child.pid, signal);
    else this.child.kill(signal);
  }

  /** TCP ports this process listens on, read from /proc (its socket inodes against the listen table). */
  listeningPorts(): number[] {
    const fdDir = `/proc/${this.child.pid}/fd`;
    const inodes = new Set(
      readdirSync(fdDir)
        .map((fd) => {
          try {
            return /^socket:\[(\d+)\]$/.exec(readlinkSync(join(fdDir, fd)))?.[1];
          } catch {
            return undefined;
          }
        })
        .filter((inode): inode is string => inode !== undefined),
    );
    const LISTEN = '0A';
    return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((table) =>
      readFileSync(table, 'utf8')
        .split('\n')
        .slice(1)
        .map((row) => row.trim().split(/\s+/))
        .filter((cols) => cols[3] === LISTEN && inodes.has(cols[9]))
        .map((cols) => parseInt(cols[1].split(':')[1], 16)),
    );
  }
}
