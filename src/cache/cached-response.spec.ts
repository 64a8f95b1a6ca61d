import { deserializeEntry, serializeEntry, toCachedResponse } from './cached-response';
import { strongEtag } from './http-caching';

describe('toCachedResponse', () => {
  it('serializes the value once and tags the bytes', () => {
    const sut = toCachedResponse([{ id: 1, name: 'Ünïcode "quoted"\nline' }]);

    expect(JSON.parse(sut.body)).toEqual([{ id: 1, name: 'Ünïcode "quoted"\nline' }]);
    expect(sut.etag).toBe(strongEtag(sut.body));
  });
});

describe('entry format', () => {
  const value = toCachedResponse([{ id: 1, info: 'two\nlines' }]);

  it('stores the body verbatim after one line of metadata', () => {
    const sut = serializeEntry({ value, expires: 1_700_000_000_000 });

    expect(sut).toBe(`{"etag":${JSON.stringify(value.etag)},"expires":1700000000000}\n${value.body}`);
  });

  it('reads back what it wrote, with or without an expiry', () => {
    expect(deserializeEntry(serializeEntry({ value, expires: 5 }))).toEqual({ value, expires: 5 });
    expect(deserializeEntry(serializeEntry({ value }))).toEqual({ value });
  });

  it.each([
    ['no metadata line', '[1,2]'],
    ['metadata that is not JSON', 'nope\n[]'],
    ['metadata without an etag', '{"expires":1}\n[]'],
    ['an expiry that is not a number', '{"etag":"\\"a\\"","expires":"soon"}\n[]'],
    ['JSON null as metadata', 'null\n[]'],
  ])('reads %s as no entry', (_, raw) => {
    expect(deserializeEntry(raw)).toBeUndefined();
  });
});
