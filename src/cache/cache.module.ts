import { type CacheManagerOptions, CacheModule as NestCacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { CacheInvalidations } from './cache-invalidations';
import { CacheRedis } from './cache-redis';
import { CacheRedisModule } from './cache-redis.module';
import { CacheStore, createRedisKeyv } from './cache-store';
import { CachedRoutes } from './cached-routes';
import { HttpCacheInterceptor } from './http-cache.interceptor';
import { ResponseCacheService } from './response-cache.service';

/**
 * The response cache on the cache Redis (`REDIS_URL`), kept apart from the queue's Redis:
 * `@nestjs/cache-manager` over `@keyv/redis`, sharing the one connection of {@link CacheRedis},
 * with a short-lived copy in each process kept coherent over pub/sub ({@link CacheInvalidations}).
 * Other modules use {@link ResponseCacheService} and {@link HttpCacheInterceptor}; the api mounts
 * {@link CachedRoutes}.
 */
@Module({
  imports: [
    CacheRedisModule,
    DiscoveryModule,
    NestCacheModule.registerAsync({
      imports: [CacheRedisModule],
      inject: [CacheRedis, AppConfig],
      // @nestjs/cache-manager is ESM and types its stores with keyv's ESM declarations, while this
      // CommonJS build loads keyv's CommonJS ones: the same class declared twice, which the compiler
      // tells apart by its private fields. cache-manager duck-types its stores, so either works.
      useFactory: (redis: CacheRedis, config: AppConfig): CacheManagerOptions => ({
        stores: [createRedisKeyv(redis, config.cache.keyPrefix)] as unknown as CacheManagerOptions['stores'],
      }),
    }),
  ],
  providers: [CacheInvalidations, CacheStore, ResponseCacheService, HttpCacheInterceptor, CachedRoutes],
  exports: [CacheRedisModule, ResponseCacheService, HttpCacheInterceptor, CachedRoutes],
})
export class CacheModule {}
