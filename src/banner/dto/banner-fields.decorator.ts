import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, isURL, IsString, Max, Min, ValidateBy } from 'class-validator';
import { PlainText } from '../../common/plain-text.decorator';
import { BANNER_LIMITS } from '../banner.entity';

/** `orders` bounds: far inside MySQL's INT, far beyond any real carousel. */
const ORDERS_RANGE = { min: -1_000_000, max: 1_000_000 } as const;

/** A site path to an image file: `/`-separated segments of letters, digits, `_`, `-`, no `..`. */
const IMAGE_PATH = /^(?:\/[\w-]+)*\/[\w-]+(?:\.[\w-]+)*\.(?:png|jpe?g|gif|webp|avif|svg)$/i;
/** A path on this site, but not `//host`, which browsers read as another site. */
const SITE_PATH = /^\/(?!\/)\S*$/;

/**
 * Leading and trailing spaces go; other whitespace stays for {@link PlainText} to refuse, since
 * `String.trim()` would silently drop a trailing tab, CR or newline instead.
 */
const trim = Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/^ +| +$/g, '') : value));

/**
 * A rule on a string. A value of another type passes it, so that IsString alone reports it and a
 * missing field gets one message, not one per rule.
 */
const StringRule = (name: string, test: (value: string) => boolean, message: string) =>
  ValidateBy({
    name,
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || test(value),
      defaultMessage: () => message,
    },
  });

/**
 * A length limit in characters as MySQL counts them in utf8mb4: code points. class-validator's
 * Length does not count variation selectors, so `❤️` × 40 would pass a limit of 64 and then be
 * refused by the column as 80 characters long.
 */
const Characters = (min: number, max: number) =>
  StringRule(
    'characters',
    (value) => {
      const length = [...value].length;
      return length >= min && length <= max;
    },
    min > 0 ? `$property must be ${min} to ${max} characters long` : `$property must be at most ${max} characters long`,
  );

export const BannerName = () => applyDecorators(trim, IsString(), PlainText(), Characters(1, BANNER_LIMITS.name));

export const BannerImage = () =>
  applyDecorators(
    trim,
    IsString(),
    PlainText(),
    StringRule(
      'isBannerImage',
      (value) => value.length <= BANNER_LIMITS.image && IMAGE_PATH.test(value),
      `$property must be an image path such as /media/banner/1.png (png, jpg, gif, webp, avif or svg), ` +
        `at most ${BANNER_LIMITS.image} characters long`,
    ),
  );

export const BannerLink = () =>
  applyDecorators(
    trim,
    IsString(),
    PlainText(),
    Characters(0, BANNER_LIMITS.link),
    StringRule(
      'isBannerLink',
      (value) => SITE_PATH.test(value) || isURL(value, { protocols: ['http', 'https'], require_protocol: true }),
      '$property must be an http(s) URL or a path on this site starting with /',
    ),
  );

export const BannerInfo = () => applyDecorators(IsString(), PlainText({ multiline: true }), Characters(0, BANNER_LIMITS.info));

export const BannerOrders = () => applyDecorators(IsInt(), Min(ORDERS_RANGE.min), Max(ORDERS_RANGE.max));

export const BannerIsShow = () => IsBoolean();
