import { Injectable } from '@nestjs/common';
import { Task, type TaskHandler } from '../tasks/runtime/task.decorator';
import { BannerCacheService, UPDATE_BANNER_LIST_TASK } from './banner-cache.service';

/**
 * `update_banner_list`: recomputes the home banner list and overwrites its cache entry. Enqueued
 * after every admin write, by the admin refresh route and periodically by the beat.
 */
@Task({ name: UPDATE_BANNER_LIST_TASK, params: [] })
@Injectable()
export class UpdateBannerListTask implements TaskHandler<boolean> {
  constructor(private readonly bannerCache: BannerCacheService) {}

  async run(): Promise<boolean> {
    await this.bannerCache.refresh();
    return true;
  }
}
