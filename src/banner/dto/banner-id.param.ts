import { Transform } from 'class-transformer';
import { IsInt } from 'class-validator';

/**
 * `:id` of the admin banner routes: 1 to 10 decimal digits, no sign or leading zero. Checked on
 * the raw string, since Number() alone would also take `1e3`, `0x10` or ` 7`; anything else stays
 * a string and fails IsInt.
 */
export class BannerIdParam {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^[1-9]\d{0,9}$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'id must be a positive whole number' })
  id: number;
}
