import autocannon from 'autocannon';
import type { Produced } from '../children/produce.mts';

const ENQUEUE_PATH = '/api/admin/tasks';
/** The task every enqueue figure runs, with the arguments the in-process producer gives it. */
const BODY = JSON.stringify({ name: 'add', args: [1, 2] });

/**
 * `count` enqueues of an `add` task over HTTP (`POST /api/admin/tasks`) with `connections`
 * connections, as a client of the api sends them; fails unless every one is accepted (202). The
 * load ends at the last answer: autocannon resolves only on its next 1 s sampling tick, which
 * would round the duration up to whole seconds.
 */
export async function enqueueOverHttp(url: string, adminToken: string, count: number, connections: number): Promise<Omit<Produced, 'ids'>> {
  const startedAt = Date.now();
  let endedAt = startedAt;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const load = autocannon(
      {
        url: `${url}${ENQUEUE_PATH}`,
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: BODY,
        connections,
        amount: count,
      },
      (error, done) => (error ? reject(error as Error) : resolve(done)),
    );
    load.on('response', () => {
      endedAt = Date.now();
    });
  });
  const accepted = result['2xx'];
  if (accepted !== count || result.errors + result.timeouts > 0) {
    throw new Error(
      `${accepted} of ${count} enqueues over HTTP were accepted (${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts)`,
    );
  }
  return { startedAt, endedAt };
}
