import { strongEtag } from './http-caching';

/** A response as it is sent: the JSON text and its validator, stored and served byte for byte. */
export interface CachedResponse {
  readonly body: string;
  readonly etag: string;
}

/** Serializes a handler's result once; every later hit sends these bytes unchanged. */
export function toCachedResponse(value: unknown): CachedResponse {
  const body = JSON.stringify(value) ?? 'null';
  return { body, etag: strongEtag(body) };
}

/** What Keyv stores for an entry: the value and its expiry (epoch ms). */
interface StoredEntry {
  readonly value: CachedResponse;
  readonly expires?: number;
}

/**
 * The Redis value of an entry: one line of JSON with the metadata, then the body as it is sent.
 * Reading it back slices the body out instead of parsing it, so a hit never re-parses nor
 * re-serializes the JSON, and `redis-cli GET` shows the response itself.
 */
export function serializeEntry({ value, expires }: StoredEntry): string {
  return `${JSON.stringify({ etag: value.etag, expires })}\n${value.body}`;
}

/** The inverse of {@link serializeEntry}; anything else reads as no entry, so it gets replaced. */
export function deserializeEntry(raw: string): StoredEntry | undefined {
  const newline = raw.indexOf('\n');
  if (newline < 0) return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(raw.slice(0, newline));
  } catch {
    return undefined;
  }
  if (typeof meta !== 'object' || meta === null) return undefined;
  const { etag, expires } = meta as { etag?: unknown; expires?: unknown };
  if (typeof etag !== 'string' || (expires !== undefined && typeof expires !== 'number')) return undefined;
  return { value: { etag, body: raw.slice(newline + 1) }, expires };
}
