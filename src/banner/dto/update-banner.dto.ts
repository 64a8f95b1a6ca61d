import { Omittable } from '../../common/omittable.decorator';
import { BannerImage, BannerInfo, BannerIsShow, BannerLink, BannerName, BannerOrders } from './banner-fields.decorator';

/** `PATCH /api/admin/banners/:id`: any writable field; those left out keep their value. */
export class UpdateBannerDto {
  @Omittable()
  @BannerName()
  name?: string;

  @Omittable()
  @BannerImage()
  image?: string;

  @Omittable()
  @BannerLink()
  link?: string;

  @Omittable()
  @BannerInfo()
  info?: string;

  @Omittable()
  @BannerOrders()
  orders?: number;

  @Omittable()
  @BannerIsShow()
  is_show?: boolean;
}
