import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A file's text from byte `start` on: a log after a load holds hundreds of MB before it. */
function readFrom(path: string, start: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(Math.max(0, fstatSync(fd).size - start));
    readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Every child the bench started: stopped on the way out, whatever the way (see killAll). */
const children = new Set<ChildProcess>();

/** A TCP port on 127.0.0.1 that is free right now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Where the children write their output: files, as a deployed service would, so that reading it costs the bench nothing. */
export const LOG_DIRECTORY = mkdtempSync(join(tmpdir(), 'banner-tasks-bench-'));

let logCount = 0;

/** A child process whose output goes to a log file under {@link LOG_DIRECTORY}. */
export class Child {
  readonly process: ChildProcess;
  readonly logPath: string;

  constructor(command: string, args: readonly string[], env: Readonly<Record<string, string>>, ipc = false) {
    this.logPath = join(LOG_DIRECTORY, `${++logCount}-${basename(args.findLast((arg) => /\.(c?js|mts)$/.test(arg)) ?? command)}.log`);
    const log = openSync(this.logPath, 'w');
    this.process = spawn(command, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', log, log, ...(ipc ? (['ipc'] as const) : [])],
    });
    closeSync(log);
    children.add(this.process);
    this.process.once('exit', () => children.delete(this.process));
  }

  /**
   * Resolves with the first line of the log, from byte `fromByte` on, that matches; fails if the
   * child exits first.
   */
  async waitForLine(pattern: RegExp, timeoutMs = 60_000, fromByte = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const output = readFrom(this.logPath, fromByte);
      const line = output.split('\n').find((candidate) => pattern.test(candidate));
      if (line) return line;
      const exited = this.process.exitCode ?? this.process.signalCode;
      if (exited !== null || Date.now() > deadline) {
        throw new Error(`No line matched ${pattern} (${exited === null ? 'timed out' : `exited: ${exited}`}):\n${output.slice(-4000)}`);
      }
      await sleep(50);
    }
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /**
   * Has the child's {@link HEAP_PROBE} force a full garbage collection and resolves with its report;
   * read the resident memory first, as the collection changes it.
   */
  heapProbe(): Promise<HeapProbe> {
    return this.askProbe<HeapProbe>('SIGUSR2', 'heapProbe');
  }

  /** Has the child's {@link HEAP_PROBE} report V8's heap as it stands, without collecting. */
  heapNow(): Promise<HeapNow> {
    return this.askProbe<HeapNow>('SIGWINCH', 'heapNow');
  }

  /** Signals the {@link HEAP_PROBE} and reads its answer, a `{"<key>":…}` line, from the log written since. */
  private async askProbe<T>(signal: NodeJS.Signals, key: string): Promise<T> {
    const fromByte = statSync(this.logPath).size;
    this.process.kill(signal);
    const line = await this.waitForLine(new RegExp(`^\\{"${key}":`), undefined, fromByte);
    return (JSON.parse(line) as Record<string, T>)[key];
  }

  /** Resident memory in MB, from /proc (VmRSS). */
  rssMb(): number {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${this.pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : Number.NaN;
  }

  /**
   * Resident memory in MB by what is mapped (from /proc/<pid>/smaps): the `node` executable's
   * pages, malloc's main heap (`[heap]`), anonymous mappings (V8's pages, malloc's other arenas and
   * large blocks, threads' stacks), and other files.
   */
  residentParts(): ResidentParts {
    const parts = { executable: 0, mallocHeap: 0, anonymous: 0, files: 0 };
    let part: keyof ResidentParts = 'anonymous';
    for (const line of readFileSync(`/proc/${this.pid}/smaps`, 'utf8').split('\n')) {
      const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
      if (mapping) {
        part = partOf(mapping[1]);
        continue;
      }
      const rss = /^Rss:\s+(\d+) kB$/.exec(line);
      if (rss) parts[part] += Number(rss[1]) / 1024;
    }
    return parts;
  }

  /**
   * CPU time used so far (user + system, in ms, from /proc): unlike throughput, what a request
   * costs barely moves when other processes take the cores.
   */
  cpuMs(): number {
    const { user, kernel } = this.cpuSplitMs();
    return user + kernel;
  }

  /** {@link cpuMs} in its two parts: in the process's own code, and in the kernel on its behalf. */
  cpuSplitMs(): { user: number; kernel: number } {
    const fields = readFileSync(`/proc/${this.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime (fields 14 and 15 of the file) in clock ticks of 10 ms.
    return { user: Number(fields[11]) * 10, kernel: Number(fields[12]) * 10 };
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = once(this.process, 'exit');
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** What bench/children/heap-probe.cjs reports, in bytes. */
export interface HeapProbe {
  /** V8's heap as it stood: what the process had grown it to, garbage included. */
  readonly heapTotalBefore: number;
  /** The young generation's part of it. */
  readonly youngGenerationBefore: number;
  /** The JavaScript heap still in use after a full garbage collection: what the process holds. */
  readonly liveHeap: number;
  /** Memory of C++ objects bound to JavaScript ones (buffers…), after the collection. */
  readonly external: number;
}

/** Which part of {@link ResidentParts} a mapping of smaps counts in, by its path. */
function partOf(path: string): keyof ResidentParts {
  if (path === '[heap]') return 'mallocHeap';
  if (path === '' || path.startsWith('[')) return 'anonymous';
  return path.endsWith('/node') ? 'executable' : 'files';
}

/** Resident memory in MB by what is mapped: see {@link Child.residentParts}. */
export interface ResidentParts {
  readonly executable: number;
  readonly mallocHeap: number;
  readonly anonymous: number;
  readonly files: number;
}

/** V8's heap as it stood when bench/children/heap-probe.cjs was asked, nothing collected, in bytes. */
export interface HeapNow {
  /** What V8 has grown its heap to, garbage included. */
  readonly heapTotal: number;
  /** The part of it that holds objects, live or not yet collected. */
  readonly heapUsed: number;
  /** The young generation's part of heapTotal. */
  readonly youngGeneration: number;
  /** Memory outside V8's heap held by its objects (Node's buffers among it), as V8 is told of it. */
  readonly external: number;
  /** The part of external held by ArrayBuffers and Buffers. */
  readonly arrayBuffers: number;
  /** What V8 has allocated beside its heap for itself (its compilers' zones among it), now and at most. */
  readonly malloced: number;
  readonly peakMalloced: number;
}

/**
 * `--require` of the preload that reports the heap on demand ({@link Child.heapNow}, {@link Child.heapProbe}); it
 * changes no V8 setting before it is asked.
 */
export const HEAP_PROBE: readonly string[] = ['--require', fileURLToPath(new URL('../children/heap-probe.cjs', import.meta.url))];

/** The Node flags of the image's `ENTRYPOINT ["node", …flags, "dist/main"]`: the bench runs the service as deployed. */
function deployedNodeFlags(): string[] {
  const dockerfile = readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8');
  const entrypoint = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile);
  if (!entrypoint) throw new Error('The Dockerfile has no ENTRYPOINT ["node", …] line');
  const command = JSON.parse(entrypoint[1]) as string[];
  return command.slice(1, command.indexOf('dist/main'));
}

const DEPLOYED_NODE_FLAGS = deployedNodeFlags();

/**
 * How the service's Node is started: `image` with the flags of the Docker image's ENTRYPOINT (what
 * every figure but the memory one uses), `default` with none, as `node dist/main` runs it.
 */
export type NodeFlags = 'image' | 'default';

function nodeFlags(flags: NodeFlags): readonly string[] {
  return flags === 'image' ? DEPLOYED_NODE_FLAGS : [];
}

/** The image's flags as written in the Dockerfile, for the report. */
export const IMAGE_NODE_FLAGS = DEPLOYED_NODE_FLAGS.join(' ');

/**
 * `node dist/main --role=…`, resolved once it logs "Ready" (with its URL when it serves HTTP);
 * `main` another build's entry point (bench/compare.mts).
 */
export async function startMain(
  role: string,
  env: Readonly<Record<string, string>>,
  nodeArgs: readonly string[] = [],
  flags: NodeFlags = 'image',
  main = MAIN,
): Promise<{ child: Child; url?: string }> {
  const child = new Child(process.execPath, [...nodeFlags(flags), ...nodeArgs, main, `--role=${role}`], env);
  const line = await child.waitForLine(/"msg":"Ready/);
  return { child, url: /listening on (http:\/\/[^"]+)/.exec(line)?.[1] };
}

/**
 * A bench script under bench/children, run by the same Node with the service's flags (the bare
 * Bull worker is compared with the service's, memory included), with an IPC channel.
 */
export function startChild(
  script: string,
  env: Readonly<Record<string, string>>,
  args: readonly string[] = [],
  flags: NodeFlags = 'image',
  nodeArgs: readonly string[] = [],
): Child {
  const path = fileURLToPath(new URL(`../children/${script}`, import.meta.url));
  return new Child(process.execPath, [...nodeFlags(flags), ...nodeArgs, path, ...args], env, true);
}

/** Kills every child still running: on the way out after a failure or Ctrl-C. */
export function killAll(): void {
  for (const child of children) child.kill('SIGKILL');
}
