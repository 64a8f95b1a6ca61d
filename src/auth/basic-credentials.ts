import { sameSecret } from './same-secret';

/** What an `Authorization` header says about an HTTP Basic login. */
export type BasicVerdict = 'granted' | 'missing' | 'wrong';

/**
 * Checks `Authorization: Basic base64(user:password)` against the expected pair. Both parts are
 * compared in constant time and both always, so the answer's timing tells nothing about which
 * one was wrong.
 */
export function checkBasicCredentials(
  header: string | undefined,
  expected: { readonly user: string; readonly password: string },
): BasicVerdict {
  const match = header ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null;
  if (!match) return 'missing';
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'wrong';
  const userMatches = sameSecret(decoded.slice(0, colon), expected.user);
  const passwordMatches = sameSecret(decoded.slice(colon + 1), expected.password);
  return userMatches && passwordMatches ? 'granted' : 'wrong';
}
