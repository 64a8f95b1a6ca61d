import { Module } from '@nestjs/common';
import { CacheRedis } from './cache-redis';

/** The cache Redis (`REDIS_URL`), kept apart from the queue's Redis. */
@Module({
  providers: [CacheRedis],
  exports: [CacheRedis],
})
export class CacheModule {}
