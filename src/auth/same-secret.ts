import { createHash, timingSafeEqual } from 'node:crypto';

/** The SHA-256 of a secret: digests are compared instead, so the comparison takes the same time whatever the lengths. */
export function secretDigest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether `given` is the secret of `expected`, a {@link secretDigest} computed once ahead of the requests. */
export function matchesDigest(given: string, expected: Buffer): boolean {
  return timingSafeEqual(secretDigest(given), expected);
}

/** Compares digests, so the comparison takes the same time whatever the lengths. */
export function sameSecret(given: string, expected: string): boolean {
  return matchesDigest(given, secretDigest(expected));
}
