import { canonicalJson } from './idempotency-keys';

describe('canonicalJson', () => {
  it('gives equal text for equal bodies whatever the order of their keys', () => {
    expect(canonicalJson({ name: 'add', args: [1, { b: 2, a: 1 }] })).toBe(canonicalJson({ args: [1, { a: 1, b: 2 }], name: 'add' }));
    expect(canonicalJson({ b: [null, 'x'], a: true })).toBe('{"a":true,"b":[null,"x"]}');
  });

  it('tells apart bodies that differ in a value, the order of an array or a key left out', () => {
    expect(canonicalJson({ args: [1, 2] })).not.toBe(canonicalJson({ args: [2, 1] }));
    expect(canonicalJson({ name: 'add', countdown: 5 })).not.toBe(canonicalJson({ name: 'add' }));
    expect(canonicalJson({ name: 'add', countdown: undefined })).toBe(canonicalJson({ name: 'add' }));
  });
});
