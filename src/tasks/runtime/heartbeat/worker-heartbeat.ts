import { extname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { AppConfig } from '../../../config/app-config';
import { WorkInFlight } from '../../../memory/work-in-flight';
import { MAX_STALLED_COUNT } from '../bull-options';
import { TaskQueues } from '../queues';
import { connectClusterHeartbeat } from './heartbeat.cluster-connection';
import { type HeartbeatConnection, type HeartbeatRedis, reconnectDelayMs, RespConnection } from './heartbeat.connection';
import { type BeatingThread, HeartbeatHandoff } from './heartbeat.handoff';
import { beatIntervalMs, HeartbeatLoop, type HeartbeatLoopState, type HeartbeatReport } from './heartbeat.loop';
import { HeartbeatStore, type HeartbeatTarget, type HeartbeatTimings } from './heartbeat.store';
import type { HeartbeatCommand, HeartbeatThreadData, HeartbeatThreadMessage } from './heartbeat.thread';

/**
 * The thread's file beside this one: `.js` in the build, `.ts` when the e2e tests boot a worker
 * from the sources. Node 24 runs the latter by stripping the types, as an ES module (the package
 * declares no module type), which it would warn about once per thread.
 */
const THREAD_FILE = join(__dirname, `heartbeat.thread${extname(__filename)}`);
/**
 * The thread's Node flags: none of the process's (a `--require` preload, say, has no business in a
 * thread that only beats).
 */
const THREAD_EXEC_ARGV = extname(__filename) === '.ts' ? ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'] : [];

/**
 * The thread's young generation, in MB. It allocates a few objects per beat, yet V8 would let the
 * space grow to 16 MB in the first seconds and keep it: this bound saves about 6 MB of resident
 * memory per worker (docs/benchmark-history.md, Heartbeat thread with a 2 MB young generation).
 */
const THREAD_YOUNG_GENERATION_MB = 2;

/** How long a thread told to stop (or leave) may take before it is ended. */
const STOP_TIMEOUT_MS = 2_000;

/**
 * Bull's token of a queue instance, the value of every job lock it takes (bull 4 `lib/queue.js`,
 * not in its typings). The heartbeat lists it, so that peers know whose locks a dead process held.
 */
function lockToken(queue: Queue): string {
  return (queue as Queue & { readonly token: string }).token;
}

/**
 * The worker's heartbeat (docs/crash-recovery.md): a short-lived key per queue, renewed every beat
 * interval, and a reaper that returns to the queue the running jobs of workers whose key expired,
 * within about WORKER_HEARTBEAT_TTL_SECONDS of their death. An idle worker beats from its main
 * event loop; from its first task until it has run none for MEMORY_TRIM_IDLE_SECONDS, a thread
 * beats instead (see HeartbeatHandoff). Loaded by the worker role only.
 */
@Injectable()
export class WorkerHeartbeat implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeat.name);
  private redis?: HeartbeatConnection;
  private handoff?: HeartbeatHandoff;

  constructor(
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
    private readonly work: WorkInFlight,
  ) {}

  /** Before the processor takes its first job (onApplicationBootstrap), so the worker beats early. */
  onModuleInit(): void {
    const { heartbeatTtlMs } = this.config.worker;
    const intervalMs = beatIntervalMs(heartbeatTtlMs);
    const targets: HeartbeatTarget[] = this.queues
      .all()
      .map((queue) => ({ queue: queue.name, keyPrefix: queue.toKey(''), token: lockToken(queue) }));
    const timings: HeartbeatTimings = { ttlMs: heartbeatTtlMs, maxGapMs: 2 * intervalMs, maxStalledCount: MAX_STALLED_COUNT };
    const connection: HeartbeatRedis = { redis: this.config.queue.redis, cluster: this.config.queue.cluster };
    this.redis = connection.cluster ? connectClusterHeartbeat(connection.redis, reconnectDelayMs) : new RespConnection(connection.redis);
    const loop = new HeartbeatLoop(targets, new HeartbeatStore(this.redis, timings), intervalMs, (report) => this.log(report));
    const startThread = (state: HeartbeatLoopState) => this.startThread({ ...connection, targets, timings, intervalMs, state });
    const handoff = new HeartbeatHandoff(loop, startThread, this.config.memoryTrimIdleMs);
    this.work.watch((working) => {
      // Called as a task begins: a thread that cannot start must not fail the task.
      try {
        if (working) handoff.workBegan();
        else handoff.workEnded();
      } catch (error) {
        this.logger.error({ err: error }, 'Could not start the heartbeat thread: the main event loop beats on');
      }
    });
    this.handoff = handoff;
    void handoff.start();
  }

  /** A stopping worker leaves the reaping to the workers that stay (or start next). */
  beforeApplicationShutdown(): void {
    this.handoff?.retire();
  }

  /** After the processor let its jobs finish: ends the heartbeat, so peers return any job left. */
  async onApplicationShutdown(): Promise<void> {
    await this.handoff?.stop();
    this.redis?.disconnect();
  }

  private startThread(workerData: HeartbeatThreadData): BeatingThread {
    const thread = new Worker(THREAD_FILE, {
      workerData,
      name: 'heartbeat',
      execArgv: THREAD_EXEC_ARGV,
      resourceLimits: { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB },
    });
    // Not events.once, which would reject on the thread's 'error' (its exit follows).
    const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
    const end = async (command: HeartbeatCommand) => {
      thread.postMessage(command);
      const ended = await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS, false, { ref: false })]);
      if (!ended) await thread.terminate();
    };
    const beating = new Promise<void>((resolve) =>
      thread.on('message', (message: HeartbeatThreadMessage) => {
        if (message.kind === 'beating') {
          this.logger.debug('The heartbeat thread beats: a task is running');
          return resolve();
        }
        if (message.kind === 'collected') {
          this.logger.debug({ heapMb: message.heapMb }, 'The heartbeat thread gave back the garbage of its start-up');
          return;
        }
        this.log(message);
      }),
    );
    thread.on('error', (error: Error) =>
      this.logger.error({ err: error }, 'The heartbeat thread stopped: the main event loop beats again'),
    );
    void exited.then(() => this.logger.debug('The heartbeat thread ended'));
    return {
      beating,
      exited,
      retire: () => thread.postMessage('retire' satisfies HeartbeatCommand),
      leave: () => void end('leave'),
      stop: () => end('stop'),
    };
  }

  private log(report: HeartbeatReport): void {
    switch (report.kind) {
      case 'recovered':
        for (const taskId of report.requeued) {
          this.logger.warn({ taskId, queue: report.queue }, 'Task stalled, it runs again');
        }
        for (const taskId of report.failing) {
          this.logger.warn({ taskId, queue: report.queue }, 'Task stalled more than allowed, the stalled check fails it');
        }
        return;
      case 'lapsed':
        this.logger.warn(
          { queue: report.queue },
          'This worker was taken for dead (heartbeat expired): its running tasks may run again elsewhere',
        );
        return;
      case 'failed':
        this.logger.warn({ err: report.error }, 'Heartbeat failed; past WORKER_HEARTBEAT_TTL_SECONDS this worker is taken for dead');
        return;
      case 'restored':
        this.logger.log('Heartbeat restored');
        return;
    }
  }
}
