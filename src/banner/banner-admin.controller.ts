import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../auth/admin-only.decorator';
import { ApiErrors } from '../common/api-errors.decorator';
import { BannerAdminService } from './banner-admin.service';
import { AdminBanner } from './dto/admin-banner.response';
import { BannerIdParam } from './dto/banner-id.param';
import { BannerPage } from './dto/banner-page.response';
import { CreateBannerDto } from './dto/create-banner.dto';
import { ListBannersQuery } from './dto/list-banners.query';
import { UpdateBannerDto } from './dto/update-banner.dto';

const NOT_FOUND = { 404: 'BANNER_NOT_FOUND: no banner has this id' };

@ApiTags('banners')
@Controller('admin/banners')
@AdminOnly()
@ApiErrors({
  400: 'VALIDATION_FAILED: a field, the id or a query parameter is not valid; `details` lists why',
  503: 'DATABASE_UNAVAILABLE: MySQL does not answer',
})
export class BannerAdminController {
  constructor(private readonly admin: BannerAdminService) {}

  /** Every banner, hidden and deleted ones too, by id, a page at a time. */
  @Get()
  @ApiOkResponse({ type: BannerPage })
  list(@Query() query: ListBannersQuery): Promise<BannerPage> {
    return this.admin.list(query);
  }

  /** Creates a banner; the home list shows it within moments. */
  @Post()
  @ApiCreatedResponse({ type: AdminBanner, description: 'The new banner' })
  create(@Body() body: CreateBannerDto): Promise<AdminBanner> {
    return this.admin.create(body);
  }

  /** One banner, deleted or not. */
  @Get(':id')
  @ApiOkResponse({ type: AdminBanner })
  @ApiErrors(NOT_FOUND)
  get(@Param() { id }: BannerIdParam): Promise<AdminBanner> {
    return this.admin.get(id);
  }

  /** Changes the fields sent; the others keep their value. */
  @Patch(':id')
  @ApiOkResponse({ type: AdminBanner, description: 'The banner, changed' })
  @ApiErrors(NOT_FOUND)
  update(@Param() { id }: BannerIdParam, @Body() body: UpdateBannerDto): Promise<AdminBanner> {
    return this.admin.update(id, body);
  }

  /** Soft delete: the banner is kept with `is_delete = true` and leaves the home list. Repeating it is harmless. */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Deleted, now or before' })
  @ApiErrors(NOT_FOUND)
  remove(@Param() { id }: BannerIdParam): Promise<void> {
    return this.admin.remove(id);
  }
}
