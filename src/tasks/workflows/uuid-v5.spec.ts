import { uuidV5 } from './uuid-v5';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('uuidV5', () => {
  it('matches the reference value (Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"))', () => {
    expect(uuidV5('python.org', DNS_NAMESPACE)).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('gives one id per name and namespace', () => {
    const sut = uuidV5('r.0', DNS_NAMESPACE);

    expect(uuidV5('r.0', DNS_NAMESPACE)).toBe(sut);
    expect(uuidV5('r.1', DNS_NAMESPACE)).not.toBe(sut);
    expect(uuidV5('r.0', '0b7f3b1e-5a0c-4c39-9d51-2a5f0e0c1a11')).not.toBe(sut);
  });
});
