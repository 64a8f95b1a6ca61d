import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const MAX_PAGE_SIZE = 100;

/**
 * `GET /api/admin/banners?page=&limit=`. Both have defaults, so neither is `?`; @ApiPropertyOptional
 * tells the OpenAPI plugin, which takes every property without `?` as required.
 */
export class ListBannersQuery {
  /** 1-based. @defaultValue 1 */
  @ApiPropertyOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  /** @defaultValue 20 */
  @ApiPropertyOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 20;
}
