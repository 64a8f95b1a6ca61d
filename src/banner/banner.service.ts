import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { databaseCall } from '../database/database-errors';
import { Banner } from './banner.entity';
import { toHomeBanner } from './banner.presenter';
import type { HomeBanner } from './dto/home-banner.response';

/** The public read side of the banners: what the home carousel shows. */
@Injectable()
export class BannerService {
  constructor(
    @InjectRepository(Banner) private readonly banners: Repository<Banner>,
    private readonly config: AppConfig,
  ) {}

  /**
   * The home carousel: banners shown and not deleted, highest `orders` first (newest first among
   * equals), at most `BANNER_COUNT`, with absolute image URLs. One indexed query.
   * @throws AppError DATABASE_UNAVAILABLE when MySQL cannot be reached.
   */
  async homeList(): Promise<HomeBanner[]> {
    const rows = await databaseCall(() =>
      this.banners.find({
        select: { id: true, name: true, image: true, link: true, info: true, orders: true },
        where: { isDelete: false, isShow: true },
        order: { orders: 'DESC', id: 'DESC' },
        take: this.config.banner.count,
      }),
    );
    return rows.map((row) => toHomeBanner(row, this.config.banner.mediaBaseUrl));
  }
}
