/** A banner as the admin routes show it, with the seed's field names. */
export class AdminBanner {
  id: number;

  /** @example 'Python course' */
  name: string;

  /** A site path, as stored. @example '/media/banner/1.png' */
  image: string;

  /** An http(s) URL or a path on this site. @example '/courses/python' */
  link: string;

  info: string;

  /** Display order: higher comes first. */
  orders: number;

  /** Whether it is on the home carousel (unless deleted). */
  is_show: boolean;

  /** Soft-deleted: kept, but never shown again. */
  is_delete: boolean;

  /** ISO-8601, UTC. @example '2026-11-27T10:21:00.000Z' */
  created_at: string;

  /** ISO-8601, UTC. @example '2026-11-27T10:21:00.000Z' */
  updated_at: string;
}
