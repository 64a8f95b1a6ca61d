import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { AdminOnly } from '../auth/admin-only.decorator';
import { BannerAdminService } from './banner-admin.service';
import type { AdminBanner, BannerPage } from './banner.presenter';
import { BannerIdParam } from './dto/banner-id.param';
import { CreateBannerDto } from './dto/create-banner.dto';
import { ListBannersQuery } from './dto/list-banners.query';
import { UpdateBannerDto } from './dto/update-banner.dto';

@Controller('admin/banners')
@AdminOnly()
export class BannerAdminController {
  constructor(private readonly admin: BannerAdminService) {}

  @Get()
  list(@Query() query: ListBannersQuery): Promise<BannerPage> {
    return this.admin.list(query);
  }

  @Post()
  create(@Body() body: CreateBannerDto): Promise<AdminBanner> {
    return this.admin.create(body);
  }

  @Get(':id')
  get(@Param() { id }: BannerIdParam): Promise<AdminBanner> {
    return this.admin.get(id);
  }

  @Patch(':id')
  update(@Param() { id }: BannerIdParam, @Body() body: UpdateBannerDto): Promise<AdminBanner> {
    return this.admin.update(id, body);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(@Param() { id }: BannerIdParam): Promise<void> {
    return this.admin.remove(id);
  }
}
