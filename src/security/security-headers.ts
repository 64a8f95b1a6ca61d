import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

type Directives = Record<string, string[]>;

/** Response headers by lower-case name, in the order helmet sets them. */
export type HeaderSet = Readonly<Record<string, string>>;

/**
 * Every page served here: scripts and styles from this site only (no inline script anywhere).
 * Swagger UI and the queue dashboard put `<style>` blocks and `style` attributes in their HTML,
 * hence `'unsafe-inline'` for styles. `frame-ancestors 'none'` keeps the dashboard's destructive
 * buttons out of another site's frame.
 */
const DIRECTIVES: Directives = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Helmet's defaults include upgrade-insecure-requests, which breaks a plain-HTTP deployment. */
const policy = (directives: Directives) => ({ useDefaults: false, directives });

/**
 * Helmet's options for every answer: the Content-Security-Policy above, `nosniff`,
 * `X-Frame-Options: DENY` for browsers without `frame-ancestors`, `Referrer-Policy: no-referrer`
 * and helmet's other defaults.
 * @param mediaBaseUrl MEDIA_BASE_URL: the demo page shows banner images from that origin.
 */
export function securityHeaderOptions(mediaBaseUrl: string): HelmetOptions {
  return {
    contentSecurityPolicy: policy({ ...DIRECTIVES, imgSrc: [...DIRECTIVES.imgSrc, new URL(mediaBaseUrl).origin] }),
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The API and the pages are for this site; /media/ relaxes it, since other sites show banners.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };
}

/**
 * The headers helmet's middleware sets for `options`, taken down once from a response that only
 * records them. Nothing in our options depends on the request (the directives are strings: no
 * CSP nonce), so every answer can be given this set in one call instead of running helmet's
 * eleven middlewares and their `setHeader`s per request. Helmet's twelfth removes `X-Powered-By`,
 * which neither Node nor Fastify sets.
 */
export function helmetHeaders(options: HelmetOptions): HeaderSet {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    removeHeader: () => undefined,
  };
  let done = false;
  // Helmet 8 throws a bad option's error rather than passing it on.
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => (done = true));
  // Its middlewares all finish at once; one that did not would leave its header out of the set.
  if (!done) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}

/** The headers of every answer (helmet's, see {@link securityHeaderOptions}), computed once. */
export function securityHeaders(mediaBaseUrl: string): HeaderSet {
  return helmetHeaders(securityHeaderOptions(mediaBaseUrl));
}

/**
 * The queue dashboard's Content-Security-Policy, which replaces the one of every answer on its
 * routes: bull-board's page links a Google Fonts stylesheet and has no option to leave it out, so
 * its scope allows that one pair of origins. On a closed network the font falls back to the
 * system's.
 */
export function dashboardContentSecurityPolicy(): string {
  const directives = {
    ...DIRECTIVES,
    styleSrc: [...DIRECTIVES.styleSrc, 'https://fonts.googleapis.com'],
    fontSrc: [...DIRECTIVES.fontSrc, 'https://fonts.gstatic.com'],
  };
  return helmetHeaders({ contentSecurityPolicy: policy(directives) })['content-security-policy'];
}
