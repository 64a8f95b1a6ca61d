import { Module } from '@nestjs/common';
import { BannerModule } from '../banner/banner.module';
import { CacheModule } from '../cache/cache.module';
import { HomeController } from './home.controller';

/** The public homepage API (api role only). */
@Module({
  imports: [BannerModule, CacheModule],
  controllers: [HomeController],
})
export class HomeModule {}
