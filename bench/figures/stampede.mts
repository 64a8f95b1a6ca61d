import type { BenchContext } from '../lib/context.mts';
import { MYSQL_SERVER } from '../lib/environment.mts';
import { BANNER_SELECT, MysqlQueryCounter } from '../lib/mysql-query-counter.mts';
import { startMain } from '../lib/processes.mts';
import type { FigureResult } from '../lib/report.mts';

const REQUESTS = 200;
const PATH = '/api/home/banners';

/**
 * 200 concurrent requests on a cold entry, on one api and spread over two: how many home list
 * queries reach MariaDB, counted on the wire by a proxy between the apis and the server.
 */
export async function stampedeFigure({ environment, options, progress }: BenchContext): Promise<FigureResult> {
  const counter = new MysqlQueryCounter(MYSQL_SERVER, BANNER_SELECT);
  await counter.start();
  const env = environment.env({ DATABASE_URL: environment.databaseUrl({ ...MYSQL_SERVER, port: counter.port }) });
  const apis = await Promise.all([startMain('api', env, options.nodeArgs), startMain('api', env, options.nodeArgs)]);
  // Through the admin route, as an operator would: a bare DEL would leave each api's local copy
  // (CACHE_LOCAL_TTL_MS) answering, and nothing would reach MariaDB.
  const dropEntry = async () => {
    const response = await fetch(`${apis[0].url}/api/admin/cache/banners`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${environment.adminToken}` },
    });
    if (response.status !== 204) throw new Error(`Dropping the cached list answered ${response.status}`);
  };
  try {
    const runs: Record<'oneApi' | 'twoApis', number[]> = { oneApi: [], twoApis: [] };
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const [name, urls] of [
        ['oneApi', [apis[0].url!]],
        ['twoApis', apis.map((api) => api.url!)],
      ] as const) {
        progress.step(`stampede: ${name === 'oneApi' ? 'one api' : 'two apis'}, rep ${rep}/${options.reps}`);
        await dropEntry();
        counter.count = 0;
        const statuses = await Promise.all(
          Array.from({ length: REQUESTS }, async (_, index) => {
            const response = await fetch(`${urls[index % urls.length]}${PATH}`);
            await response.arrayBuffer();
            return response.status;
          }),
        );
        const failed = statuses.filter((status) => status !== 200).length;
        if (failed > 0) throw new Error(`${failed} of ${REQUESTS} stampede requests failed`);
        runs[name].push(counter.count);
      }
    }
    const row = (figure: string, counts: number[]) => ({
      figure,
      value: `${counts.join(', ')} (each repetition)`,
      target: 'exactly 1',
      met: counts.every((count) => count === 1),
    });
    return {
      rows: [
        row(`stampede: ${REQUESTS} cold requests, one api: DB queries`, runs.oneApi),
        row(`stampede: ${REQUESTS} cold requests over two apis: DB queries`, runs.twoApis),
      ],
      data: { requests: REQUESTS, queries: runs },
    };
  } finally {
    await Promise.all(apis.map((api) => api.child.stop()));
    await counter.stop();
  }
}
