import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';

/** What the corpus must leave as it found: every banner row, and every Redis key of the run with its content. */
export interface StateSnapshot {
  readonly banners: unknown[];
  readonly redis: Record<string, { type: string; value: unknown }>;
}

export interface StateSources {
  readonly databaseUrl: string;
  /**
   * A Redis URL and the key prefix of this run in it: the cache's and the queues'; keys under
   * `except` are left out (the throttles' counters, which hostile requests are meant to move).
   */
  readonly redis: readonly { readonly url: string; readonly prefix: string; readonly except?: string }[];
}

export async function takeSnapshot({ databaseUrl, redis }: StateSources): Promise<StateSnapshot> {
  const connection = await createConnection({ uri: databaseUrl });
  try {
    const [banners] = await connection.query('SELECT * FROM banners ORDER BY id');
    const keys: StateSnapshot['redis'] = {};
    for (const { url, prefix, except } of redis) Object.assign(keys, await readKeys(url, prefix, except));
    return { banners: banners as unknown[], redis: keys };
  } finally {
    await connection.end();
  }
}

/** Type and content of every key under the prefix, named `<url> <key>`; TTLs left out, since they tick. */
async function readKeys(url: string, prefix: string, except?: string): Promise<StateSnapshot['redis']> {
  const client = new Redis(url);
  try {
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: `${prefix}*`, count: 500 })) {
      keys.push(...(batch as string[]).filter((key) => except === undefined || !key.startsWith(except)));
    }
    const entries = await Promise.all(
      keys.sort().map(async (key) => {
        const type = await client.type(key);
        return [`${url} ${key}`, { type, value: await readValue(client, key, type) }] as const;
      }),
    );
    return Object.fromEntries(entries);
  } finally {
    client.disconnect();
  }
}

function readValue(client: Redis, key: string, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return client.get(key);
    case 'hash':
      return client.hgetall(key);
    case 'list':
      return client.lrange(key, 0, -1);
    case 'set':
      return client.smembers(key).then((members) => members.sort());
    case 'zset':
      return client.zrange(key, 0, -1, 'WITHSCORES');
    default:
      return Promise.resolve(`(${type})`);
  }
}
