import { Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { AdminOnly } from '../auth/admin-only.decorator';
import { BannerCacheService } from './banner-cache.service';

@Controller('admin/cache/banners')
@AdminOnly()
export class BannerCacheAdminController {
  constructor(private readonly bannerCache: BannerCacheService) {}

  /** Enqueues `update_banner_list`; poll the task by its id. */
  @Post('refresh')
  @HttpCode(HttpStatus.ACCEPTED)
  refresh(): Promise<{ taskId: string }> {
    return this.bannerCache.requestRefresh();
  }

  /** Drops the cached list: the next `GET /api/home/banners` is a MISS. */
  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  invalidate(): Promise<void> {
    return this.bannerCache.invalidate();
  }
}
