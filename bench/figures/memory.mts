import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../lib/context.mts';
import { drained } from '../lib/broker.mts';
import { enqueueOverHttp } from '../lib/enqueue-load.mts';
import { childReady, request } from '../lib/ipc.mts';
import {
  type Child,
  HEAP_PROBE,
  type HeapNow,
  type HeapProbe,
  IMAGE_NODE_FLAGS,
  type NodeFlags,
  type ResidentParts,
  startChild,
  startMain,
} from '../lib/processes.mts';
import type { FigureResult, Row } from '../lib/report.mts';
import { round } from '../lib/stats.mts';
import { load } from './http.mts';

const IDLE_MS = 15_000;
/** After the load, long enough for a process to give its heap back (MEMORY_TRIM_IDLE_SECONDS, 5 by default, and the pause). */
const SETTLE_MS = 15_000;
const CONCURRENCY = 16;
const DRAIN_TIMEOUT_MS = 300_000;
const BEAT_ENTRY = { 'update-banner-list': { enabled: false }, 'bench-every-second': { task: 'add', every: '1s', args: [1, 2] } };

type Role = 'api' | 'worker' | 'beat';
const NAMES = {
  api: 'api',
  worker: 'worker',
  beat: 'beat',
  bareWorker: 'the bare Bull worker',
  tasklessWorker: 'a worker with no task',
  floor: 'the floor (idle throughout)',
} as const;
type Footprint = Record<
  Role | 'bareWorker' | 'tasklessWorker' | 'floor',
  {
    idleMb: number;
    afterLoadMb: number;
    afterLoadParts: ResidentParts;
    afterLoadHeap: HeapNow;
    settledMb: number;
    settledHeap: HeapProbe;
  }
>;

/** The processes whose heap the table gives, after the load and once settled. */
const HEAP_READ = ['api', 'worker', 'bareWorker', 'beat', 'floor'] as const;

/** Idle RSS limits, and the after-load limits of the api and the beat, in MB; the worker's is relative. */
const LIMITS = { api: { idle: 130, after: 150 }, worker: { idle: 110 }, beat: { idle: 90, after: 100 } } as const;
const WORKER_TO_BARE = 1.15;

/**
 * Resident memory of each role, started as `node dist/main --role=…` with no Node flags (as users
 * run it) and then with the Docker image's: idle 15 s after "Ready", and after the bench's load —
 * the api after the cached load and `--tasks` enqueues over HTTP, the worker (concurrency 16) after
 * running those tasks, a second beat after at least `--beat-seconds` of a 1 s entry (the idle one
 * runs the default schedule), and again once each has been idle for {@link SETTLE_MS} (time for a
 * process of ours to give its heap back). A bare Bull worker with the
 * same flags runs the same number of tasks, as the worker's reference (in plain JavaScript, see
 * bare-bull-worker.cjs). The floor under every role
 * idles beside them: Node, an empty Nest context and a Bull processor, none of our code; and so does
 * a worker on queues of its own, which runs no task (the worker above runs the loaded beat's task
 * every second), for the footprint of a worker between tasks (its heartbeat thread runs only with tasks).
 *
 * Every process also preloads {@link HEAP_PROBE}, which changes nothing until asked: as the
 * resident memory after the load is read, it reports V8's heap as it stands, garbage and all; once
 * the settled resident memory is read, it forces a full garbage collection and reports the live
 * JavaScript heap. So the table tells what a process holds from what V8 keeps (garbage not yet
 * collected, a young generation grown under load), each beside the resident memory of its moment.
 */
export async function memoryFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const broker = environment.brokerClient();
  const footprints = {} as Record<NodeFlags, Footprint>;
  try {
    for (const flags of ['default', 'image'] as const) {
      const prefix = `bench-memory-${flags}`;
      const env = environment.env({
        QUEUE_PREFIX: prefix,
        WORKER_CONCURRENCY: String(CONCURRENCY),
        BEAT_SCHEDULE: JSON.stringify(BEAT_ENTRY),
      });
      const bareEnv = environment.env({ QUEUE_PREFIX: `${prefix}-bare` });
      progress.step(`memory (${flags} Node flags): starting api, worker, beat and a bare Bull worker`);
      await broker.flushdb();
      const children: Child[] = [];
      try {
        // The idle beat runs the default schedule; the loaded one also a 1 s entry from its start.
        const nodeArgs = [...HEAP_PROBE, ...options.nodeArgs];
        const [api, worker, idleBeat, beat, tasklessWorker] = await Promise.all([
          startMain('api', env, nodeArgs, flags),
          startMain('worker', env, nodeArgs, flags),
          startMain('beat', { ...env, BEAT_SCHEDULE: '' }, nodeArgs, flags),
          startMain('beat', env, nodeArgs, flags),
          startMain('worker', { ...env, QUEUE_PREFIX: `${prefix}-taskless` }, nodeArgs, flags),
        ]);
        const beatStartedAt = Date.now();
        const bareWorker = startChild('bare-bull-worker.cjs', bareEnv, [String(CONCURRENCY)], flags, HEAP_PROBE);
        const bareProducer = startChild('bare-bull.mts', bareEnv, ['producer'], flags);
        const floor = startChild('nest-bull-floor.cjs', environment.env({ QUEUE_PREFIX: `${prefix}-floor` }), [], flags, HEAP_PROBE);
        children.push(api.child, worker.child, idleBeat.child, beat.child, bareWorker, bareProducer, floor, tasklessWorker.child);
        await Promise.all([childReady(bareWorker), childReady(bareProducer), childReady(floor)]);
        const processes = {
          api: api.child,
          worker: worker.child,
          beat: beat.child,
          bareWorker,
          floor,
          tasklessWorker: tasklessWorker.child,
        };

        progress.step(`memory (${flags} Node flags): idle for ${IDLE_MS / 1000} s`);
        await sleep(IDLE_MS);
        const idle = Object.fromEntries(Object.entries(processes).map(([name, child]) => [name, child.rssMb()]));
        idle.beat = idleBeat.child.rssMb();

        progress.step(`memory (${flags} Node flags): cached load, then ${options.tasks} tasks over HTTP and to bare Bull`);
        // Each process is read as its own load ends, before it has idled long enough to give its
        // heap back (MEMORY_TRIM_IDLE_SECONDS): the resident memory first, then V8's heap.
        const afterLoad: Record<string, number> = {};
        const afterLoadParts: Record<string, ResidentParts> = {};
        const afterLoadHeap: Record<string, HeapNow> = {};
        const readAfterLoad = (...names: (keyof typeof processes)[]) =>
          Promise.all(
            names.map(async (name) => {
              afterLoad[name] = processes[name].rssMb();
              afterLoadParts[name] = processes[name].residentParts();
              afterLoadHeap[name] = await processes[name].heapNow();
            }),
          );
        await load(api.child, api.url!, options.connections, options.durationSeconds);
        await enqueueOverHttp(api.url!, environment.adminToken, options.tasks, options.connections);
        await readAfterLoad('api');
        await Promise.all([
          drained(broker, prefix, DRAIN_TIMEOUT_MS).then(() => readAfterLoad('worker')),
          request(bareProducer, { count: options.tasks })
            .then(() => drained(broker, `${prefix}-bare`, DRAIN_TIMEOUT_MS))
            .then(() => readAfterLoad('bareWorker')),
        ]);
        await sleep(Math.max(0, beatStartedAt + options.beatSeconds * 1000 - Date.now()));
        await readAfterLoad('beat', 'floor', 'tasklessWorker');
        progress.step(`memory (${flags} Node flags): idle for ${SETTLE_MS / 1000} s after the load`);
        await sleep(SETTLE_MS);
        const settled = Object.fromEntries(Object.entries(processes).map(([name, child]) => [name, child.rssMb()]));
        const entries = await Promise.all(
          Object.entries(processes).map(async ([name, child]) => [
            name,
            {
              idleMb: idle[name],
              afterLoadMb: afterLoad[name],
              afterLoadParts: afterLoadParts[name],
              afterLoadHeap: afterLoadHeap[name],
              settledMb: settled[name],
              settledHeap: await child.heapProbe(),
            },
          ]),
        );
        footprints[flags] = Object.fromEntries(entries) as Footprint;
      } finally {
        await Promise.all(children.map((child) => child.stop()));
      }
    }
  } finally {
    broker.disconnect();
  }

  const mb = (value: number) => `${round(value, 1)} MB`;
  const inMb = (bytes: number) => mb(bytes / 2 ** 20);
  const heapAfterLoad = (role: keyof Footprint) => {
    const { heapTotal, heapUsed, youngGeneration, external, arrayBuffers, malloced, peakMalloced } = footprints.default[role].afterLoadHeap;
    const parts = footprints.default[role].afterLoadParts;
    return (
      `${inMb(heapTotal)}, young generation ${inMb(youngGeneration)}, objects live or not yet collected ${inMb(heapUsed)}, ` +
      `beside ${mb(footprints.default[role].afterLoadMb)} of RSS; outside V8's heap, ${inMb(external)} held by its objects ` +
      `(buffers ${inMb(arrayBuffers)}) and ${inMb(malloced)} by V8 itself (at most ${inMb(peakMalloced)}); ` +
      `the RSS by mapping: the node executable ${mb(parts.executable)}, malloc's main heap ${mb(parts.mallocHeap)}, ` +
      `anonymous ${mb(parts.anonymous)}, other files ${mb(parts.files)}`
    );
  };
  const heapSettled = (role: keyof Footprint) => {
    const { liveHeap, heapTotalBefore, youngGenerationBefore } = footprints.default[role].settledHeap;
    return `${inMb(liveHeap)} live, of a V8 heap of ${inMb(heapTotalBefore)} (young generation ${inMb(youngGenerationBefore)}) beside ${mb(footprints.default[role].settledMb)} of RSS`;
  };
  const pair = (role: keyof Footprint, moment: 'idleMb' | 'afterLoadMb' | 'settledMb') =>
    `${mb(footprints.default[role][moment])} (image flags: ${mb(footprints.image[role][moment])})`;
  const { api, worker, beat, bareWorker } = footprints.default;
  const workerLimit = WORKER_TO_BARE * bareWorker.afterLoadMb;
  const rows: Row[] = [
    {
      figure: 'memory: api idle 15 s after ready',
      value: pair('api', 'idleMb'),
      target: `≤ ${LIMITS.api.idle} MB`,
      met: api.idleMb <= LIMITS.api.idle,
    },
    {
      figure: 'memory: api after the cached and enqueue loads',
      value: pair('api', 'afterLoadMb'),
      target: `≤ ${LIMITS.api.after} MB`,
      met: api.afterLoadMb <= LIMITS.api.after,
    },
    {
      figure: 'memory: worker idle 15 s after ready',
      value: pair('worker', 'idleMb'),
      target: `≤ ${LIMITS.worker.idle} MB`,
      met: worker.idleMb <= LIMITS.worker.idle,
    },
    {
      figure: `memory: ${NAMES.tasklessWorker} (queues of its own) idle 15 s after ready`,
      value: pair('tasklessWorker', 'idleMb'),
      target: `≤ ${LIMITS.worker.idle} MB`,
      met: footprints.default.tasklessWorker.idleMb <= LIMITS.worker.idle,
    },
    {
      figure: `memory: worker after ${options.tasks} tasks, against a bare Bull worker after the same`,
      value: `${mb(worker.afterLoadMb)} ÷ ${mb(bareWorker.afterLoadMb)} = ${round((worker.afterLoadMb / bareWorker.afterLoadMb) * 100, 1)} % (image flags: ${mb(footprints.image.worker.afterLoadMb)} ÷ ${mb(footprints.image.bareWorker.afterLoadMb)})`,
      target: `≤ ${round(WORKER_TO_BARE * 100, 1)} %`,
      met: worker.afterLoadMb <= workerLimit,
    },
    {
      figure: 'memory: beat idle 15 s after ready',
      value: pair('beat', 'idleMb'),
      target: `≤ ${LIMITS.beat.idle} MB`,
      met: beat.idleMb <= LIMITS.beat.idle,
    },
    {
      figure: `memory: beat after ${options.beatSeconds} s of 1 s ticks`,
      value: pair('beat', 'afterLoadMb'),
      target: `≤ ${LIMITS.beat.after} MB`,
      met: beat.afterLoadMb <= LIMITS.beat.after,
    },
    ...(['api', 'worker', 'bareWorker', 'beat'] as const).map((role) => ({
      figure: `memory: ${NAMES[role]} after the load, then ${SETTLE_MS / 1000} s idle`,
      value: pair(role, 'settledMb'),
      target: '',
    })),
    {
      figure: 'memory: the floor (Node, an empty Nest context, a Bull processor; no code of ours) idle 15 s after ready',
      value: pair('floor', 'idleMb'),
      target: '',
    },
    ...HEAP_READ.map((role) => ({
      figure: `memory: ${NAMES[role]} after the load, V8's heap as it stood, nothing collected (default flags)`,
      value: heapAfterLoad(role),
      target: '',
    })),
    ...HEAP_READ.map((role) => ({
      figure: `memory: ${NAMES[role]} after the load, then ${SETTLE_MS / 1000} s idle, JavaScript heap after a forced full GC (default flags)`,
      value: heapSettled(role),
      target: '',
    })),
  ];
  return {
    rows,
    data: {
      imageNodeFlags: IMAGE_NODE_FLAGS,
      idleMs: IDLE_MS,
      settleMs: SETTLE_MS,
      tasks: options.tasks,
      beatSeconds: options.beatSeconds,
      footprints,
    },
  };
}
