import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

const MAX_PAGE_SIZE = 100;

/** `GET /api/admin/banners?page=&limit=` */
export class ListBannersQuery {
  /** 1-based. @defaultValue 1 */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page = 1;

  /** @defaultValue 20 */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit = 20;
}
