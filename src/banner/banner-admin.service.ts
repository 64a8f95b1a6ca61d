import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppError } from '../common/app-error';
import { databaseCall } from '../database/database-errors';
import { BannerCacheService } from './banner-cache.service';
import { Banner } from './banner.entity';
import { toAdminBanner } from './banner.presenter';
import type { AdminBanner } from './dto/admin-banner.response';
import type { BannerPage } from './dto/banner-page.response';
import type { CreateBannerDto } from './dto/create-banner.dto';
import type { ListBannersQuery } from './dto/list-banners.query';
import type { UpdateBannerDto } from './dto/update-banner.dto';

/**
 * The back office: every banner, hidden and deleted ones too. Each successful write asks a worker
 * to refresh the cached home list, as the seed does, so the change shows within moments.
 */
@Injectable()
export class BannerAdminService {
  constructor(
    @InjectRepository(Banner) private readonly banners: Repository<Banner>,
    private readonly bannerCache: BannerCacheService,
  ) {}

  async list({ page, limit }: ListBannersQuery): Promise<BannerPage> {
    const [rows, total] = await databaseCall(() =>
      this.banners.findAndCount({ order: { id: 'ASC' }, skip: (page - 1) * limit, take: limit }),
    );
    return { items: rows.map(toAdminBanner), page, limit, total };
  }

  async get(id: number): Promise<AdminBanner> {
    return toAdminBanner(await this.find(id));
  }

  async create(input: CreateBannerDto): Promise<AdminBanner> {
    const banner = this.banners.create({
      name: input.name,
      image: input.image,
      link: input.link,
      info: input.info ?? '',
      orders: input.orders ?? 0,
      isShow: input.is_show ?? true,
      isDelete: false,
    });
    // save() reads the stored defaults back in its own transaction: nothing is read after the
    // commit, so a MySQL lost right then cannot turn a done write into a 503.
    const saved = await databaseCall(() => this.banners.save(banner));
    await this.bannerCache.refreshAfterWrite();
    return toAdminBanner(saved);
  }

  async update(id: number, input: UpdateBannerDto): Promise<AdminBanner> {
    const banner = await this.find(id);
    const changes: Partial<Banner> = {
      name: input.name,
      image: input.image,
      link: input.link,
      info: input.info,
      orders: input.orders,
      isShow: input.is_show,
    };
    const defined = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    if (Object.keys(defined).length === 0) return toAdminBanner(banner);
    // The change and the read of the changed row commit together, for the same reason as create.
    const updated = await databaseCall(() =>
      this.banners.manager.transaction(async (manager) => {
        await manager.update(Banner, { id }, defined);
        return manager.findOneByOrFail(Banner, { id });
      }),
    );
    await this.bannerCache.refreshAfterWrite();
    return toAdminBanner(updated);
  }

  /** Soft delete: the row stays with `is_delete = true` and leaves the home list. Repeating it is harmless. */
  async remove(id: number): Promise<void> {
    const banner = await this.find(id);
    if (banner.isDelete) return;
    await databaseCall(() => this.banners.update({ id }, { isDelete: true }));
    await this.bannerCache.refreshAfterWrite();
  }

  private async find(id: number): Promise<Banner> {
    const banner = await databaseCall(() => this.banners.findOneBy({ id }));
    if (!banner) throw new AppError('BANNER_NOT_FOUND', `No banner has id ${id}`, 'not_found');
    return banner;
  }
}
