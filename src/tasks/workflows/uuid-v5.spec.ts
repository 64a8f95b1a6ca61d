import { createHash, randomUUID } from 'node:crypto';
import { uuidV5Of } from './uuid-v5';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

/** RFC 9562's version 5 through node:crypto, as the reference. */
function referenceV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe('uuidV5Of, one name at a time', () => {
  it('matches the reference value (Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"))', () => {
    expect(uuidV5Of(DNS_NAMESPACE)('python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('gives one id per name and namespace', () => {
    const sut = uuidV5Of(DNS_NAMESPACE)('r.0');

    expect(uuidV5Of(DNS_NAMESPACE)('r.0')).toBe(sut);
    expect(uuidV5Of(DNS_NAMESPACE)('r.1')).not.toBe(sut);
    expect(uuidV5Of('0b7f3b1e-5a0c-4c39-9d51-2a5f0e0c1a11')('r.0')).not.toBe(sut);
  });
});

describe('uuidV5Of', () => {
  it("gives node:crypto's SHA-1 id for names of every length across the block boundaries, in any order", () => {
    const namespace = randomUUID();
    const sut = uuidV5Of(namespace);
    // 16 namespace bytes + a name of 39 bytes and more need a second 64-byte block, of 103 a third.
    const names = Array.from({ length: 200 }, (_, length) => 'r.h.0123456789'.repeat(15).slice(0, length));

    for (const name of [...names, ...names.reverse()]) expect(sut(name)).toBe(referenceV5(name, namespace));
  });

  it('hashes a name as UTF-8, several bytes per character and lone surrogates as U+FFFD, as node:crypto does', () => {
    const namespace = randomUUID();
    const sut = uuidV5Of(namespace);
    const names = ['é', 'r.h.😀', '日本語'.repeat(30), 'a\uD800b', 'ü'.repeat(60), ''];

    for (const name of names) expect(sut(name)).toBe(referenceV5(name, namespace));
  });

  it('gives version 5 and variant 10 UUIDs', () => {
    const sut = uuidV5Of(DNS_NAMESPACE);

    for (let index = 0; index < 100; index++) {
      expect(sut(`r.h.${index}`)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
