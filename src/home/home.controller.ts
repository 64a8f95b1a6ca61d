import { Controller, Get, UseInterceptors } from '@nestjs/common';
import { BANNER_LIST_CACHE } from '../banner/banner-list.cache-policy';
import type { HomeBanner } from '../banner/banner.presenter';
import { BannerService } from '../banner/banner.service';
import { CacheResponse } from '../cache/cache-response.decorator';
import { HttpCacheInterceptor } from '../cache/http-cache.interceptor';

@Controller('home')
@UseInterceptors(HttpCacheInterceptor)
export class HomeController {
  constructor(private readonly bannerService: BannerService) {}

  /** The homepage carousel, answered from the response cache and loaded from MySQL on a miss. */
  @Get('banners')
  @CacheResponse(BANNER_LIST_CACHE)
  banners(): Promise<HomeBanner[]> {
    return this.bannerService.homeList();
  }
}
