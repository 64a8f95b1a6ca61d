import type { ResponseCachePolicy } from '../cache/cache-response.decorator';

/**
 * The home banner list in the response cache: one well-known key (the seed's `banner_list`),
 * filled by whichever comes first of `GET /api/home/banners` and the `update_banner_list` task.
 */
export const BANNER_LIST_CACHE: ResponseCachePolicy = {
  key: 'banner_list',
  ttlMs: (config) => config.banner.cacheTtlMs,
  clientMaxAgeSeconds: (config) => config.banner.clientMaxAgeSeconds,
};
