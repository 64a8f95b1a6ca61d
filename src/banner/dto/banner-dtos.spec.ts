import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { BannerIdParam } from './banner-id.param';
import { CreateBannerDto } from './create-banner.dto';
import { ListBannersQuery } from './list-banners.query';
import { UpdateBannerDto } from './update-banner.dto';

/** Validates like the global ValidationPipe does: transform, whitelist, refuse unknown fields. */
async function check<T extends object>(type: new () => T, plain: object): Promise<{ value: T; errors: string[] }> {
  const value = plainToInstance(type, plain);
  const errors = await validate(value as object, { whitelist: true, forbidNonWhitelisted: true });
  return { value, errors: errors.flatMap((error) => Object.values(error.constraints ?? {})) };
}

const valid = { name: 'Sale', image: '/media/banner/1.png', link: '/courses/python' };
const IMAGE_MESSAGE =
  'image must be an image path such as /media/banner/1.png (png, jpg, gif, webp, avif or svg), at most 255 characters long';

describe('CreateBannerDto', () => {
  it('accepts the required fields alone and trims text', async () => {
    const { value, errors } = await check(CreateBannerDto, { ...valid, name: '  Sale  ' });

    expect(errors).toEqual([]);
    expect(value.name).toBe('Sale');
  });

  it('refuses a trailing tab, CR or newline rather than trimming it away', async () => {
    for (const name of ['Sale\t', 'Sale\r', 'Sale\n', '\nSale']) {
      const { errors } = await check(CreateBannerDto, { ...valid, name });

      expect(errors).toEqual([expect.stringMatching(/^name must not contain control characters/)]);
    }
  });

  it('counts characters as MySQL does, so 64 non-ASCII ones fit a name', async () => {
    expect((await check(CreateBannerDto, { ...valid, name: '横幅'.repeat(32) })).errors).toEqual([]);
    expect((await check(CreateBannerDto, { ...valid, name: '😀'.repeat(64) })).errors).toEqual([]);
  });

  it('accepts every writable field', async () => {
    const { errors } = await check(CreateBannerDto, {
      ...valid,
      link: 'https://example.com/a?b=c',
      info: 'x'.repeat(1024),
      orders: -1_000_000,
      is_show: false,
    });

    expect(errors).toEqual([]);
  });

  it.each([['/media/banner/1.png'], ['/media/banner/summer-2026.v2.JPG'], ['/static/a_b/c.webp'], ['/x.svg']])(
    'accepts the image path %s',
    async (image) => {
      expect((await check(CreateBannerDto, { ...valid, image })).errors).toEqual([]);
    },
  );

  it.each([
    ['media/banner/1.png'],
    ['/media/../secret.png'],
    ['/media/./1.png'],
    ['/media//1.png'],
    ['/media/banner/1.png?x=1'],
    ['/media/banner/1.html'],
    ['/media/banner/'],
    ['https://cdn.example.com/1.png'],
  ])('refuses the image path %s', async (image) => {
    expect((await check(CreateBannerDto, { ...valid, image })).errors).toEqual([IMAGE_MESSAGE]);
  });

  it('reports a missing or mistyped field once, as not a string', async () => {
    expect((await check(CreateBannerDto, { link: 7 })).errors).toEqual([
      'name must be a string',
      'image must be a string',
      'link must be a string',
    ]);
  });

  it.each([['/'], ['/free-course'], ['/courses?page=2#top'], ['http://example.com'], ['https://example.com/x']])(
    'accepts the link %s',
    async (link) => {
      expect((await check(CreateBannerDto, { ...valid, link })).errors).toEqual([]);
    },
  );

  it.each([['javascript:alert(1)'], ['//evil.example'], ['ftp://example.com'], ['example.com'], ['/a b'], ['']])(
    'refuses the link %j',
    async (link) => {
      expect((await check(CreateBannerDto, { ...valid, link })).errors).toContain(
        'link must be an http(s) URL or a path on this site starting with /',
      );
    },
  );

  it.each<[string, object, string]>([
    ['an image path too long for its column', { ...valid, image: `/${'a'.repeat(251)}.png` }, IMAGE_MESSAGE],
    ['a blank name', { ...valid, name: ' ' }, 'name must be 1 to 64 characters long'],
    ['a long name', { ...valid, name: 'x'.repeat(65) }, 'name must be 1 to 64 characters long'],
    ['a name longer in MySQL characters than it looks', { ...valid, name: '❤️'.repeat(40) }, 'name must be 1 to 64 characters long'],
    ['a long info', { ...valid, info: 'x'.repeat(1025) }, 'info must be at most 1024 characters long'],
    ['a long link', { ...valid, link: `/${'é'.repeat(255)}` }, 'link must be at most 255 characters long'],
    ['null info', { ...valid, info: null }, 'info must be a string'],
    ['a string orders', { ...valid, orders: '1' }, 'orders must be an integer number'],
    ['too low orders', { ...valid, orders: -1_000_001 }, 'orders must not be less than -1000000'],
    ['a numeric is_show', { ...valid, is_show: 1 }, 'is_show must be a boolean value'],
    ['an unknown field', { ...valid, is_delete: true }, 'property is_delete should not exist'],
  ])('refuses %s', async (_, plain, message) => {
    expect((await check(CreateBannerDto, plain)).errors).toContain(message);
  });
});

describe('UpdateBannerDto', () => {
  it('accepts an empty patch and any single field', async () => {
    expect((await check(UpdateBannerDto, {})).errors).toEqual([]);
    expect((await check(UpdateBannerDto, { orders: 3 })).errors).toEqual([]);
  });

  it.each<[string, object, string]>([
    ['a null name', { name: null }, 'name must be a string'],
    ['a null link', { link: null }, 'link must be a string'],
    ['a bad image', { image: 'x.png' }, IMAGE_MESSAGE],
    ['a read-only field', { created_at: 'now' }, 'property created_at should not exist'],
  ])('refuses %s', async (_, plain, message) => {
    expect((await check(UpdateBannerDto, plain)).errors).toContain(message);
  });
});

describe('BannerIdParam', () => {
  it.each([
    ['1', 1],
    ['4294967295', 4_294_967_295],
  ])('takes %s as %d', async (id, expected) => {
    const { value, errors } = await check(BannerIdParam, { id });

    expect(errors).toEqual([]);
    expect(value.id).toBe(expected);
  });

  it.each([['0'], ['-1'], ['01'], ['1e3'], ['0x10'], [' 7'], ['1.0'], ['12345678901'], ['abc']])('refuses %j', async (id) => {
    expect((await check(BannerIdParam, { id })).errors).toEqual(['id must be a positive whole number']);
  });
});

describe('ListBannersQuery', () => {
  it('defaults to the first page of 20', async () => {
    const { value, errors } = await check(ListBannersQuery, {});

    expect(errors).toEqual([]);
    expect(value).toMatchObject({ page: 1, limit: 20 });
  });

  it('reads numbers from the query string', async () => {
    expect((await check(ListBannersQuery, { page: '3', limit: '100' })).value).toMatchObject({ page: 3, limit: 100 });
  });

  it.each<[object, string]>([
    [{ page: '0' }, 'page must not be less than 1'],
    [{ limit: '101' }, 'limit must not be greater than 100'],
    [{ limit: 'ten' }, 'limit must be an integer number'],
  ])('refuses %j', async (plain, message) => {
    expect((await check(ListBannersQuery, plain)).errors).toContain(message);
  });
});
