/** An item of `GET /api/home/banners`. */
export class HomeBanner {
  id: number;

  /** @example 'Python course' */
  name: string;

  /**
   * Absolute: `MEDIA_BASE_URL` + the stored path, since a worker has no request to take a host from.
   * @example 'http://127.0.0.1:3000/media/banner/1.png'
   */
  image: string;

  /** An http(s) URL or a path on this site. @example '/courses/python' */
  link: string;

  info: string;

  /** Display order: higher comes first. */
  orders: number;
}
