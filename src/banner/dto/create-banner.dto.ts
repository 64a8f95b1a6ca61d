import { Omittable } from '../../common/omittable.decorator';
import { BannerImage, BannerInfo, BannerIsShow, BannerLink, BannerName, BannerOrders } from './banner-fields.decorator';

/** `POST /api/admin/banners`, with the seed's field names. */
export class CreateBannerDto {
  @BannerName()
  name: string;

  @BannerImage()
  image: string;

  @BannerLink()
  link: string;

  /** @defaultValue '' */
  @Omittable()
  @BannerInfo()
  info?: string;

  /** @defaultValue 0 */
  @Omittable()
  @BannerOrders()
  orders?: number;

  /** @defaultValue true */
  @Omittable()
  @BannerIsShow()
  is_show?: boolean;
}
