import { request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import type { BenchContext } from '../lib/context.mts';
import { childReady, request } from '../lib/ipc.mts';
import { type Child, startChild, startMain } from '../lib/processes.mts';
import type { FigureResult } from '../lib/report.mts';
import { formatRatio, median, pairedRatio } from '../lib/stats.mts';
import type { CeilingResponse } from '../children/ceiling-server.mts';

const PATH = '/api/home/banners';
const WARM_UP_SECONDS = 3;
/** Headers Node's http server adds by itself, to the api's answers as to the ceiling's. */
const SET_BY_NODE = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

export interface Load {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** CPU time of the server per request, in µs. */
  readonly cpuUs: number;
  /** The parts of cpuUs spent in the server's own code (Node, V8, JavaScript) and in the kernel (its socket calls). */
  readonly userUs: number;
  readonly kernelUs: number;
}

/** One whole response as it came over the wire: status, headers (in order) and body. */
function fetchRaw(url: string): Promise<CeilingResponse> {
  return new Promise((resolve, reject) => {
    httpRequest(`${url}${PATH}`, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const headers: Record<string, string> = {};
        for (let i = 0; i < response.rawHeaders.length; i += 2) {
          const name = response.rawHeaders[i];
          if (!SET_BY_NODE.has(name.toLowerCase())) headers[name] = response.rawHeaders[i + 1];
        }
        resolve({ status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
      });
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** `seconds` of GETs of the cached route with `connections` connections, and what they cost `server`. */
export async function load(server: Child, url: string, connections: number, seconds: number): Promise<Load> {
  const before = server.cpuSplitMs();
  const result = await autocannon({ url: `${url}${PATH}`, connections, duration: seconds });
  const after = server.cpuSplitMs();
  const perRequest = (ms: number) => (ms * 1000) / result.requests.total;
  const userUs = perRequest(after.user - before.user);
  const kernelUs = perRequest(after.kernel - before.kernel);
  return {
    cpuUs: userUs + kernelUs,
    userUs,
    kernelUs,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/**
 * Cached `GET /api/home/banners` against its ceiling (a bare `node:http` server sending the same
 * bytes) and against the uncached path (the cache Redis unreachable, so every answer comes from
 * MySQL). In each repetition the cached api and the ceiling run back to back, taking turns at going
 * first, and their ratio is taken in that pair; the uncached api runs after them.
 */
export async function httpFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const cached = await startMain('api', environment.env(), options.nodeArgs);
  const deadRedis = 'redis://127.0.0.1:1/0';
  const uncached = await startMain('api', environment.env({ REDIS_URL: deadRedis }), options.nodeArgs);
  const ceiling = startChild('ceiling-server.mts', {});
  const fastifyFloor = startChild('fastify-floor.mts', {});
  try {
    await Promise.all([childReady(ceiling), childReady(fastifyFloor)]);
    await fetchRaw(cached.url!);
    const response = await fetchRaw(cached.url!);
    if (response.headers['x-cache'] !== 'HIT') throw new Error(`The cached api answered X-Cache: ${response.headers['x-cache']}`);
    const { url: ceilingUrl } = await request<{ url: string }>(ceiling, response);
    const { url: fastifyUrl } = await request<{ url: string }>(fastifyFloor, response);
    const targets = {
      ceiling: { server: ceiling, url: ceilingUrl },
      fastify: { server: fastifyFloor, url: fastifyUrl },
      cached: { server: cached.child, url: cached.url! },
      uncached: { server: uncached.child, url: uncached.url! },
    } as const;
    type Target = keyof typeof targets;

    for (const [name, { server, url }] of Object.entries(targets)) {
      progress.step(`http: warming up ${name}`);
      await load(server, url, options.connections, WARM_UP_SECONDS);
    }
    const reps: Record<Target, Load[]> = { ceiling: [], fastify: [], cached: [], uncached: [] };
    for (let rep = 1; rep <= options.reps; rep++) {
      // The ceiling runs next to the cached api and next to bare Fastify, each taking turns at going first.
      const [first, , last] = rep % 2 === 1 ? (['cached', 'ceiling', 'fastify'] as const) : (['fastify', 'ceiling', 'cached'] as const);
      for (const name of [first, 'ceiling', last, 'uncached'] as const) {
        progress.step(`http: ${name}, rep ${rep}/${options.reps}, ${options.durationSeconds} s`);
        reps[name].push(await load(targets[name].server, targets[name].url, options.connections, options.durationSeconds));
      }
    }

    const m = (name: Target, field: keyof Load) => median(reps[name].map((run) => run[field]));
    const field = (name: Target, key: keyof Load) => reps[name].map((run) => run[key]);
    const ratio = pairedRatio(field('cached', 'requestsPerSecond'), field('ceiling', 'requestsPerSecond'));
    const cpuRatio = pairedRatio(field('ceiling', 'cpuUs'), field('cached', 'cpuUs'));
    const fastifyRatio = pairedRatio(field('fastify', 'requestsPerSecond'), field('ceiling', 'requestsPerSecond'));
    const errors = Object.values(reps)
      .flat()
      .reduce((sum, run) => sum + run.errors, 0);
    const latency = (name: Target) =>
      `p50 ${m(name, 'p50')} ms, p99 ${m(name, 'p99')} ms, ${Math.round(m(name, 'cpuUs'))} µs CPU/req (user ${Math.round(m(name, 'userUs'))}, kernel ${Math.round(m(name, 'kernelUs'))})`;
    return {
      rows: [
        {
          figure: 'cached `GET /api/home/banners`',
          value: `${Math.round(m('cached', 'requestsPerSecond'))} req/s, ${latency('cached')}`,
          target: '',
        },
        {
          figure: 'ceiling: bare `node:http`, same bytes',
          value: `${Math.round(m('ceiling', 'requestsPerSecond'))} req/s, ${latency('ceiling')}`,
          target: '(reference)',
        },
        { figure: 'cached ÷ ceiling, req/s, per pair', value: formatRatio(ratio), target: '≥ 70 %', met: ratio.median >= 0.7 },
        { figure: 'ceiling ÷ cached, CPU per request, per pair (less noisy)', value: formatRatio(cpuRatio), target: '(reported)' },
        {
          figure: 'bare Fastify (no plugin, no hook), same bytes ÷ ceiling, req/s, per pair',
          value: `${formatRatio(fastifyRatio)}; ${latency('fastify')}`,
          target: '(reference)',
        },
        {
          figure: 'uncached (cache Redis down, `BYPASS`)',
          value: `${Math.round(m('uncached', 'requestsPerSecond'))} req/s, ${latency('uncached')}`,
          target: '(reported)',
        },
        ...(errors > 0 ? [{ figure: 'http errors, timeouts, non-2xx', value: String(errors), target: '0', met: false }] : []),
      ],
      data: {
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        response,
        reps,
        cachedToCeiling: ratio,
        cpuCeilingToCached: cpuRatio,
        fastifyToCeiling: fastifyRatio,
      },
    };
  } finally {
    await Promise.all([cached.child.stop(), uncached.child.stop(), ceiling.stop(), fastifyFloor.stop()]);
  }
}
