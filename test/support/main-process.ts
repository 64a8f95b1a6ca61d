import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

const MAIN = join(__dirname, '..', '..', 'dist', 'main.js');

/** Gives the child the testing tasks, which the build does not contain (see the preload). */
const TESTING_TASKS = ['--require', join(__dirname, 'testing-tasks.preload.cjs')];

/** `node dist/main …` in a child process, with its output collected line by line. */
export class MainProcess {
  readonly child: ChildProcess;
  private output = '';
  private readonly exited: Promise<number | null>;

  /**
   * @param nodeArgs options for Node itself, before the script; by default the preload of the
   * testing tasks. Pass others (or none) to run the build exactly as production does.
   */
  constructor(args: readonly string[], env: Readonly<Record<string, string>>, nodeArgs: readonly string[] = TESTING_TASKS) {
    this.child = spawn(process.execPath, [...nodeArgs, MAIN, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
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
    this.child.kill('SIGKILL');
    await this.exited;
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
