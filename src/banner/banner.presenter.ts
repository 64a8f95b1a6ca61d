import type { Banner } from './banner.entity';

/** An item of `GET /api/home/banners`. */
export interface HomeBanner {
  id: number;
  name: string;
  /** Absolute: `MEDIA_BASE_URL` + the stored path, since a worker has no request to take a host from. */
  image: string;
  link: string;
  info: string;
  orders: number;
}

/** A banner as the admin routes show it, with the seed's field names. */
export interface AdminBanner {
  id: number;
  name: string;
  image: string;
  link: string;
  info: string;
  orders: number;
  is_show: boolean;
  is_delete: boolean;
  created_at: string;
  updated_at: string;
}

export interface BannerPage {
  items: AdminBanner[];
  page: number;
  limit: number;
  total: number;
}

export function toHomeBanner(banner: Pick<Banner, keyof HomeBanner>, mediaBaseUrl: string): HomeBanner {
  const { id, name, image, link, info, orders } = banner;
  return { id, name, image: `${mediaBaseUrl}${image}`, link, info, orders };
}

export function toAdminBanner(banner: Banner): AdminBanner {
  return {
    id: banner.id,
    name: banner.name,
    image: banner.image,
    link: banner.link,
    info: banner.info,
    orders: banner.orders,
    is_show: banner.isShow,
    is_delete: banner.isDelete,
    created_at: banner.createdAt.toISOString(),
    updated_at: banner.updatedAt.toISOString(),
  };
}
