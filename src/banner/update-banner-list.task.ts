import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../tasks/runtime/task.decorator';
import { BannerCacheService } from './banner-cache.service';
import { UPDATE_BANNER_LIST } from './banner.tasks';

/**
 * `update_banner_list`: recomputes the home banner list and overwrites its cache entry. Enqueued
 * after every admin write, by the admin refresh route and periodically by the beat.
 */
@Task(UPDATE_BANNER_LIST)
@Injectable()
export class UpdateBannerListTask implements TaskHandler<boolean> {
  constructor(private readonly bannerCache: BannerCacheService) {}

  async run(): Promise<boolean> {
    await this.bannerCache.refresh();
    return true;
  }
}
