import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { databaseCall } from '../database/database-errors';
import { BannerCacheService } from './banner-cache.service';
import { Banner } from './banner.entity';

/** The demo carousel; its images are the PNGs in `media/banner/`, served by the api. */
const DEMO_BANNERS: ReadonlyArray<Pick<Banner, 'name' | 'image' | 'link' | 'info' | 'orders'>> = [
  { name: 'Free courses', image: '/media/banner/1.png', link: '/free-course', info: 'Start learning today', orders: 40 },
  { name: 'Python', image: '/media/banner/2.png', link: '/course/python', info: 'From basics to the web', orders: 30 },
  { name: 'Celery + Redis', image: '/media/banner/3.png', link: '/course/celery', info: 'Tasks and caching', orders: 20 },
  { name: 'New term', image: '/media/banner/4.png', link: '/sign-up', info: 'Sign up now', orders: 10 },
];

export interface DemoSeedResult {
  inserted: number;
  existing: number;
}

@Injectable()
export class BannerSeedService {
  private readonly logger = new Logger(BannerSeedService.name);

  constructor(
    @InjectRepository(Banner) private readonly banners: Repository<Banner>,
    private readonly bannerCache: BannerCacheService,
  ) {}

  /**
   * Inserts the demo banners that are not there yet, recognised by their image (a soft-deleted
   * one counts as there, so it is not brought back), then refreshes the cached home list.
   */
  async seedDemo(): Promise<DemoSeedResult> {
    let inserted = 0;
    for (const demo of DEMO_BANNERS) {
      if (await databaseCall(() => this.banners.existsBy({ image: demo.image }))) continue;
      await databaseCall(() => this.banners.insert({ ...demo, isShow: true, isDelete: false }));
      inserted += 1;
    }
    try {
      await this.bannerCache.refresh();
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      this.logger.warn(`The banners are in; the cached home list was not refreshed: ${error.message}`);
    }
    return { inserted, existing: DEMO_BANNERS.length - inserted };
  }

  /**
   * The demo for a fresh database (`npm start`): inserts the demo banners only when the table has
   * no row at all, not even a soft-deleted one, so a database in use is never touched.
   * @returns what was inserted, or `undefined` when the table already had rows.
   */
  async seedDemoIfEmpty(): Promise<DemoSeedResult | undefined> {
    if (await databaseCall(() => this.banners.exists())) return undefined;
    return this.seedDemo();
  }
}
