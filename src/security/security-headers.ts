import type { HelmetOptions } from 'helmet';

type Directives = Record<string, string[]>;

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
 * The headers on every answer (@fastify/helmet): the Content-Security-Policy above, `nosniff`,
 * `X-Frame-Options: DENY` for browsers without `frame-ancestors`, `Referrer-Policy: no-referrer`
 * and helmet's other defaults.
 * @param mediaBaseUrl MEDIA_BASE_URL: the demo page shows banner images from that origin.
 */
export function securityHeaders(mediaBaseUrl: string): HelmetOptions {
  return {
    contentSecurityPolicy: policy({ ...DIRECTIVES, imgSrc: [...DIRECTIVES.imgSrc, new URL(mediaBaseUrl).origin] }),
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The API and the pages are for this site; /media/ relaxes it, since other sites show banners.
    crossOriginResourcePolicy: { policy: 'same-origin' },
  };
}

/**
 * The queue dashboard's policy: bull-board's page links a Google Fonts stylesheet and has no
 * option to leave it out, so its scope allows that one pair of origins. On a closed network the
 * font falls back to the system's.
 */
export const DASHBOARD_CONTENT_SECURITY_POLICY = policy({
  ...DIRECTIVES,
  styleSrc: [...DIRECTIVES.styleSrc, 'https://fonts.googleapis.com'],
  fontSrc: [...DIRECTIVES.fontSrc, 'https://fonts.gstatic.com'],
});
