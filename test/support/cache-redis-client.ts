import { createClient, type RedisClientType } from '@keyv/redis';
import type { INestApplicationContext } from '@nestjs/common';
import { CacheStore } from '../../src/cache/cache-store';
import { pollUntil } from './poll';

/**
 * A plain node-redis client on the cache Redis, outside the application: what it reads is really
 * in Redis, not in some in-process store (nestjs/cache-manager#699).
 */
export async function openRedisClient(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url });
  await client.connect();
  return client;
}

/**
 * Deletes a cached entry as the application's writers do: the `DEL`, then the announcement on
 * `<CACHE_KEY_PREFIX>:invalidations` that makes every process drop its local copy. A bare `DEL`
 * is only seen once the local copies expire (CACHE_LOCAL_TTL_MS).
 * @returns how many processes were subscribed to hear it.
 */
export async function deleteEntry(client: RedisClientType, keyPrefix: string, name: string): Promise<number> {
  await client.del(`${keyPrefix}:${name}`);
  return client.publish(`${keyPrefix}:invalidations`, name);
}

/**
 * Resolves once the application booted in this process has dropped its local copy of `name`
 * after {@link deleteEntry}: the announcement reaches it on a connection of its own, which a
 * request sent right after the publish can overtake.
 */
export async function localCopyDropped(app: INestApplicationContext, name: string): Promise<void> {
  const store = app.get(CacheStore);
  await pollUntil(
    () => store.readCopy(name),
    (copy) => copy === undefined,
    `the local copy of ${name} to be dropped`,
    { intervalMs: 1 },
  );
}
