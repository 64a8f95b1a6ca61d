import { Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { Enqueues } from '../security/enqueues.decorator';
import { BannerCacheService } from './banner-cache.service';
import { BannerRefresh } from './dto/banner-refresh.response';

@ApiTags('banner cache')
@Controller('admin/cache/banners')
@AdminOnly()
// One 503 for both routes: a method's own would replace the one of @AdminOnly().
@ApiErrors({
  503:
    'TASK_BROKER_UNAVAILABLE: the queue Redis does not answer within 5 s (refresh); ' +
    'CACHE_UNAVAILABLE: the cache Redis does not answer (drop)',
})
export class BannerCacheAdminController {
  constructor(private readonly bannerCache: BannerCacheService) {}

  /** Enqueues `update_banner_list`; poll the task by its id. */
  @Post('refresh')
  @Enqueues()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ type: BannerRefresh })
  refresh(): Promise<BannerRefresh> {
    return this.bannerCache.requestRefresh();
  }

  /** Drops the cached list: the next `GET /api/home/banners` is a MISS. */
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Dropped' })
  invalidate(): Promise<void> {
    return this.bannerCache.invalidate();
  }
}
