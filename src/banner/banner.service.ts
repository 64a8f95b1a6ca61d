import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { databaseCall } from '../database/database-errors';
import { readFrom, type ReadSource } from '../database/replica-read';
import { Banner } from './banner.entity';
import { toHomeBanner } from './banner.presenter';
import type { HomeBanner } from './dto/home-banner.response';

/** The public read side of the banners: what the home carousel shows. */
@Injectable()
export class BannerService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * The home carousel: banners shown and not deleted, highest `orders` first (newest first among
   * equals), at most `BANNER_COUNT`, with absolute image URLs. One indexed query.
   * @param source a replica by default (DATABASE_REPLICA_URLS, if any): the public list is cached
   * anyway, so a replica's lag only adds to its age. A refresh after a write asks for the primary.
   * @throws AppError DATABASE_UNAVAILABLE when MySQL cannot be reached.
   */
  async homeList(source: ReadSource = 'replica'): Promise<HomeBanner[]> {
    const rows = await databaseCall(() =>
      readFrom(source, this.dataSource, (manager) =>
        manager.find(Banner, {
          select: { id: true, name: true, image: true, link: true, info: true, orders: true },
          where: { isDelete: false, isShow: true },
          order: { orders: 'DESC', id: 'DESC' },
          take: this.config.banner.count,
        }),
      ),
    );
    return rows.map((row) => toHomeBanner(row, this.config.banner.mediaBaseUrl));
  }
}
