import { Controller, Get, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { BANNER_LIST_CACHE } from '../banner/banner-list.cache-policy';
import { BannerService } from '../banner/banner.service';
import { HomeBanner } from '../banner/dto/home-banner.response';
import { ApiCachedResponse } from '../cache/api-cached-response.decorator';
import { CacheResponse } from '../cache/cache-response.decorator';
import { HttpCacheInterceptor } from '../cache/http-cache.interceptor';
import { ApiErrors } from '../common/api-errors.decorator';

export const HOME_PATH = 'home';
export const BANNERS_PATH = 'banners';

@ApiTags('home')
@Controller(HOME_PATH)
@UseInterceptors(HttpCacheInterceptor)
export class HomeController {
  constructor(private readonly bannerService: BannerService) {}

  /**
   * The homepage carousel, answered from the response cache and loaded from MySQL on a miss.
   * Public and without parameters, so CachedRoutes answers it (GET and HEAD) ahead of Nest.
   */
  @Get(BANNERS_PATH)
  @CacheResponse(BANNER_LIST_CACHE)
  @ApiCachedResponse({
    type: [HomeBanner],
    description: 'Shown, not deleted banners, highest `orders` first (newest first among equals), at most BANNER_COUNT',
  })
  @ApiErrors({ 503: 'DATABASE_UNAVAILABLE: MySQL failed with no cached entry and no last good copy in this process' })
  banners(): Promise<HomeBanner[]> {
    return this.bannerService.homeList();
  }
}
