import { MainProcess } from '../../support/main-process';

export type FleetRole = 'api' | 'worker' | 'beat';

/** One process of the fleet. */
export interface FleetMember {
  readonly role: FleetRole;
  readonly process: MainProcess;
  /** The HTTP base URL of an api, once ready. */
  url?: string;
}

/** How a process ended. */
export interface FleetExit {
  readonly role: FleetRole;
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lastLine: string | undefined;
}

/**
 * Seven processes start at once on a shared 2-core machine; `MainProcess.ready()`'s 20 s can be
 * too short there, and a slow start is not what these tests are about.
 */
const READY_TIMEOUT_MS = 90_000;

const isRunning = (member: FleetMember) => member.process.child.exitCode === null && member.process.child.signalCode === null;

/**
 * Processes of the built service (`node dist/main --role=…`) on one common environment, started by
 * role, killed, replaced and signalled. Every instance ever started is kept with its output, so a
 * test can read the log lines of the killed ones too.
 */
export class Fleet {
  private readonly members: FleetMember[] = [];

  /** `roleEnv` is laid over `env` for the processes of a role. */
  constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly roleEnv: Partial<Record<FleetRole, Readonly<Record<string, string>>>> = {},
  ) {}

  /** Starts `count` processes of a role and waits until each is ready. */
  async start(role: FleetRole, count: number): Promise<FleetMember[]> {
    const started = Array.from({ length: count }, () => this.spawn(role));
    await Promise.all(started.map((member) => this.ready(member)));
    return started;
  }

  /** The processes still running, oldest first. */
  running(role?: FleetRole): FleetMember[] {
    return this.members.filter((member) => isRunning(member) && (role === undefined || member.role === role));
  }

  /** Every process ever started, running or not. */
  everStarted(role?: FleetRole): FleetMember[] {
    return this.members.filter((member) => role === undefined || member.role === role);
  }

  /** The base URLs of the running apis. */
  apiUrls(): string[] {
    return this.running('api').map((member) => member.url!);
  }

  /** SIGKILLs a process, then starts one of the same role in its place and waits until it is ready. */
  async killAndReplace(member: FleetMember): Promise<FleetMember> {
    member.process.child.kill('SIGKILL');
    await member.process.exitCode();
    const next = this.spawn(member.role);
    await this.ready(next);
    return next;
  }

  /**
   * Sends a signal to every running process at once and waits for each to exit; fails naming the
   * processes still running after `timeoutMs`.
   */
  async signalAll(signal: NodeJS.Signals, timeoutMs: number): Promise<FleetExit[]> {
    const targets = this.running();
    for (const member of targets) member.process.child.kill(signal);
    return Promise.all(
      targets.map(async ({ role, process }) => ({
        role,
        pid: process.child.pid!,
        code: await process.exitCode(timeoutMs),
        signal: process.child.signalCode,
        lastLine: process.lines.at(-1),
      })),
    );
  }

  /** Kills whatever still runs (afterAll). */
  async stopAll(): Promise<void> {
    await Promise.all(this.members.map((member) => member.process.stop()));
  }

  private spawn(role: FleetRole): FleetMember {
    const member = { role, process: new MainProcess([`--role=${role}`], { ...this.env, ...this.roleEnv[role] }) };
    this.members.push(member);
    return member;
  }

  private async ready(member: FleetMember): Promise<void> {
    const line = await member.process.waitForLine(/"msg":"Ready/, READY_TIMEOUT_MS);
    member.url = /listening on (http:\/\/[^"]+)/.exec(line)?.[1];
  }
}

/** The JSON log lines of processes, parsed (non-JSON lines are skipped). */
export function logRecords(members: readonly FleetMember[]): Record<string, unknown>[] {
  return members.flatMap((member) =>
    member.process.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    }),
  );
}
