import { AdminBanner } from './admin-banner.response';

/** One page of `GET /api/admin/banners`: every banner, hidden and deleted ones too, by id. */
export class BannerPage {
  items: AdminBanner[];

  /** 1-based, as asked. */
  page: number;

  /** The page size asked for; `items` is shorter on the last page. */
  limit: number;

  /** Banners in all. */
  total: number;
}
