import { ifNoneMatchHits, publicCacheControl, strongEtag } from './http-caching';

describe('strongEtag', () => {
  it('is a quoted, strong tag that depends only on the bytes', () => {
    const sut = strongEtag('[{"id":1}]');

    expect(sut).toMatch(/^"[\w-]{43}"$/);
    expect(strongEtag('[{"id":1}]')).toBe(sut);
    expect(strongEtag('[{"id":2}]')).not.toBe(sut);
  });
});

describe('ifNoneMatchHits', () => {
  const etag = '"abc"';

  it.each([
    ['the same tag', '"abc"'],
    ['the tag among others', '"x", "abc" ,"y"'],
    ['a weak form of the tag', 'W/"abc"'],
    ['any tag', '*'],
  ])('hits on %s', (_, header) => {
    expect(ifNoneMatchHits(header, etag)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another tag', '"abd"'],
    ['the tag without quotes', 'abc'],
  ])('misses on %s', (_, header) => {
    expect(ifNoneMatchHits(header, etag)).toBe(false);
  });
});

describe('publicCacheControl', () => {
  it('lists max-age and the RFC 5861 extensions', () => {
    const sut = publicCacheControl({ maxAgeSeconds: 60, staleWhileRevalidateSeconds: 60, staleIfErrorSeconds: 86_400 });

    expect(sut).toBe('public, max-age=60, stale-while-revalidate=60, stale-if-error=86400');
  });
});
