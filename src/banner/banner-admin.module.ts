import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BannerAdminController } from './banner-admin.controller';
import { BannerAdminService } from './banner-admin.service';
import { BannerCacheAdminController } from './banner-cache-admin.controller';
import { Banner } from './banner.entity';
import { BannerModule } from './banner.module';

/** The banner admin routes under `/api/admin/banners` and `/api/admin/cache/banners` (api role only). */
@Module({
  imports: [TypeOrmModule.forFeature([Banner]), BannerModule],
  controllers: [BannerAdminController, BannerCacheAdminController],
  providers: [BannerAdminService],
})
export class BannerAdminModule {}
