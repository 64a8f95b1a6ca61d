import { createClient, type RedisClientType } from '@keyv/redis';

/**
 * A plain node-redis client on the cache Redis, outside the application: what it reads is really
 * in Redis, not in some in-process store (nestjs/cache-manager#699).
 */
export async function openRedisClient(url: string): Promise<RedisClientType> {
  const client: RedisClientType = createClient({ url });
  await client.connect();
  return client;
}
