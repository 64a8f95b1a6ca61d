import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from '../cache/cache.module';
import { TasksModule } from '../tasks/tasks.module';
import { BannerCacheService } from './banner-cache.service';
import { BannerSeedService } from './banner-seed.service';
import { Banner } from './banner.entity';
import { BannerService } from './banner.service';
import { UpdateBannerListTask } from './update-banner-list.task';

/**
 * Banners: the table, the home list and the `update_banner_list` task that keeps its cache entry
 * fresh. Loaded by the api and by the worker, which runs the task; its admin routes are
 * {@link BannerAdminModule}'s (api only).
 */
@Module({
  imports: [TypeOrmModule.forFeature([Banner]), CacheModule, TasksModule],
  providers: [BannerService, BannerCacheService, BannerSeedService, UpdateBannerListTask],
  exports: [BannerService, BannerCacheService, BannerSeedService],
})
export class BannerModule {}
