import type { Banner } from './banner.entity';
import type { AdminBanner } from './dto/admin-banner.response';
import type { HomeBanner } from './dto/home-banner.response';

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
