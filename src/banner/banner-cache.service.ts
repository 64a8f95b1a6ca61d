import { Injectable, Logger } from '@nestjs/common';
import { ResponseCacheService } from '../cache/response-cache.service';
import { TasksService } from '../tasks/tasks.service';
import { BANNER_LIST_CACHE } from './banner-list.cache-policy';
import { UPDATE_BANNER_LIST_TASK } from './banner.tasks';
import { BannerService } from './banner.service';
import type { BannerRefresh } from './dto/banner-refresh.response';

/** Keeps the cached home banner list in step with the table. */
@Injectable()
export class BannerCacheService {
  private readonly logger = new Logger(BannerCacheService.name);

  constructor(
    private readonly bannerService: BannerService,
    private readonly responseCache: ResponseCacheService,
    private readonly tasks: TasksService,
  ) {}

  /**
   * Recomputes the list and overwrites the entry the home endpoint reads, with no miss window.
   * Reads the primary: it runs after writes, and a replica that has not caught up would put the
   * old list back for BANNER_CACHE_TTL.
   * @throws AppError DATABASE_UNAVAILABLE or CACHE_UNAVAILABLE, so that the task is retried.
   */
  async refresh(): Promise<void> {
    await this.responseCache.overwrite(BANNER_LIST_CACHE, await this.bannerService.homeList('primary'));
  }

  /** Asks a worker to refresh the list: enqueues `update_banner_list`. */
  async requestRefresh(): Promise<BannerRefresh> {
    const { id } = await this.tasks.delay(UPDATE_BANNER_LIST_TASK);
    return { taskId: id };
  }

  /**
   * After a write: the write has succeeded whatever happens here, so a broker that refuses the
   * task is logged, not reported; the periodic refresh of the beat catches up.
   */
  async refreshAfterWrite(): Promise<void> {
    try {
      await this.requestRefresh();
    } catch (error) {
      this.logger.error({ err: error }, 'Could not enqueue update_banner_list after a banner write');
    }
  }

  /** Deletes the entry: the next read of the home list is a miss. */
  async invalidate(): Promise<void> {
    await this.responseCache.invalidate(BANNER_LIST_CACHE);
  }
}
