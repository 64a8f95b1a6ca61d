import { createHash } from 'node:crypto';

/**
 * RFC 9562 version 5 UUID: the SHA-1 of a namespace UUID and a name, so the same pair always gives
 * the same id. Written out because it is ten lines over node:crypto; the `uuid` package would be a
 * dependency for one function.
 */
export function uuidV5(name: string, namespace: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
