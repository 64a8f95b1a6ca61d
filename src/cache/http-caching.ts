import { createHash } from 'node:crypto';

/** A strong validator: the same bytes always give the same tag, different bytes a different one. */
export function strongEtag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

/**
 * Whether `If-None-Match` names the current representation, so a 304 may be sent. RFC 9110
 * §13.1.2: a list of tags or `*`, compared weakly (a `W/` prefix is ignored).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return header.split(',').some((tag) => opaque(tag) === wanted);
}

export interface CacheControlOptions {
  /** How long a client or proxy may reuse the response without asking. */
  readonly maxAgeSeconds: number;
  /** How long after that it may still answer with it while it revalidates (RFC 5861). */
  readonly staleWhileRevalidateSeconds: number;
  /** How long after that it may still answer with it when the origin fails (RFC 5861). */
  readonly staleIfErrorSeconds: number;
}

/** A `Cache-Control` value for a response every client may share. */
export function publicCacheControl(options: CacheControlOptions): string {
  return [
    'public',
    `max-age=${options.maxAgeSeconds}`,
    `stale-while-revalidate=${options.staleWhileRevalidateSeconds}`,
    `stale-if-error=${options.staleIfErrorSeconds}`,
  ].join(', ');
}
