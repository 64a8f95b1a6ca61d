import { SetMetadata } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';

/**
 * One cached response: its key and lifetimes, read from the configuration when used so that the
 * declaration can sit in a decorator. The interceptor and any refresher share the same policy
 * object, hence the same entry.
 */
export interface ResponseCachePolicy {
  /** The entry's name; the store puts it under `CACHE_KEY_PREFIX`. */
  readonly key: string;
  /** How long the shared entry lives in Redis, in milliseconds. */
  ttlMs(config: AppConfig): number;
  /** `Cache-Control: max-age` for clients and proxies, in seconds. */
  clientMaxAgeSeconds(config: AppConfig): number;
}

export const CACHE_RESPONSE_POLICY = Symbol('cache-response-policy');

/**
 * Caches what the handler returns under the policy's key (with `@UseInterceptors(HttpCacheInterceptor)`).
 * Only for handlers whose answer is the same for every request: concurrent callers share one result.
 */
export const CacheResponse = (policy: ResponseCachePolicy) => SetMetadata(CACHE_RESPONSE_POLICY, policy);
