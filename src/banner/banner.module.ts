import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CacheModule } from '../cache/cache.module';
import { TasksModule } from '../tasks/tasks.module';
import { BannerAdminController } from './banner-admin.controller';
import { BannerAdminService } from './banner-admin.service';
import { BannerCacheAdminController } from './banner-cache-admin.controller';
import { BannerCacheService } from './banner-cache.service';
import { BannerSeedService } from './banner-seed.service';
import { Banner } from './banner.entity';
import { BannerService } from './banner.service';
import { UpdateBannerListTask } from './update-banner-list.task';

/**
 * Banners: the table, its admin routes, the home list and the `update_banner_list` task that keeps
 * its cache entry fresh. Loaded by the api and by the worker, which runs the task.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Banner]), CacheModule, TasksModule],
  controllers: [BannerAdminController, BannerCacheAdminController],
  providers: [BannerService, BannerAdminService, BannerCacheService, BannerSeedService, UpdateBannerListTask],
  exports: [BannerService, BannerSeedService],
})
export class BannerModule {}
