import { hash, timingSafeEqual } from 'node:crypto';

/**
 * The SHA-256 of a secret: digests are compared instead, so the comparison takes the same time
 * whatever the lengths. Node's one-shot `hash`, not a `Hash` object: every admin request digests
 * its token, and the object made that digest about 1.6 times as costly (BENCHMARKS.md).
 */
export function secretDigest(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Whether `given` is the secret of `expected`, a {@link secretDigest} computed once ahead of the requests. */
export function matchesDigest(given: string, expected: Buffer): boolean {
  return timingSafeEqual(secretDigest(given), expected);
}

/** Compares digests, so the comparison takes the same time whatever the lengths. */
export function sameSecret(given: string, expected: string): boolean {
  return matchesDigest(given, secretDigest(expected));
}
