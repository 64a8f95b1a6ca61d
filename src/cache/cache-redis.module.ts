import { Module } from '@nestjs/common';
import { CacheRedis } from './cache-redis';

/**
 * The one connection to the cache Redis, shared by cache-manager's store, the locks and the
 * readiness check.
 */
@Module({
  providers: [CacheRedis],
  exports: [CacheRedis],
})
export class CacheRedisModule {}
