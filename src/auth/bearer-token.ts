import { matchesDigest } from './same-secret';

/** What an `Authorization` header says about a Bearer login. */
export type BearerVerdict = 'granted' | 'missing' | 'wrong';

/**
 * Checks `Authorization: Bearer <token>` against the expected token's digest (`secretDigest`, computed
 * once, ahead of the requests), in constant time. The
 * scheme is case-insensitive (RFC 9110 §11.1), so `bearer` works; a token anywhere else (a query
 * string, a cookie) is not looked at.
 */
export function checkBearerToken(header: string | undefined, expectedDigest: Buffer): BearerVerdict {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) return 'missing';
  return matchesDigest(match[1], expectedDigest) ? 'granted' : 'wrong';
}

/**
 * Whether the request carries `Authorization` more than once. Node keeps the first and drops the
 * others, while a proxy in front may have judged the last: such a request is refused rather than
 * guessed at.
 */
export function hasDuplicateAuthorization(rawHeaders: readonly string[]): boolean {
  let seen = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'authorization' && ++seen > 1) return true;
  }
  return false;
}
