import { setByHelmet } from '../../test/support/helmet-headers';
import { dashboardContentSecurityPolicy, helmetHeaders, securityHeaderOptions, securityHeaders } from './security-headers';

describe('helmetHeaders', () => {
  it("records the headers helmet's middleware sets, same names, values and order, without X-Powered-By", () => {
    const options = securityHeaderOptions('https://cdn.example.com/banners/');

    const sut = helmetHeaders(options);

    expect(Object.entries(sut)).toEqual(Object.entries(setByHelmet(options)));
    expect(Object.keys(sut)).toHaveLength(12);
  });

  it("records helmet's defaults too", () => {
    expect(helmetHeaders({})).toEqual(setByHelmet({}));
  });
});

describe('securityHeaders', () => {
  it('allows images from the origin of MEDIA_BASE_URL, and keeps its answers for this site', () => {
    const sut = securityHeaders('https://cdn.example.com/banners/');

    expect(sut['content-security-policy']).toContain("img-src 'self' data: https://cdn.example.com;");
    expect(sut['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(sut['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(sut['x-frame-options']).toBe('DENY');
    expect(sut['referrer-policy']).toBe('no-referrer');
    expect(sut['cross-origin-resource-policy']).toBe('same-origin');
  });
});

describe('dashboardContentSecurityPolicy', () => {
  it('is the policy of every answer plus the Google Fonts origins, and no media origin', () => {
    const sut = dashboardContentSecurityPolicy();

    expect(sut).toBe(
      [
        "default-src 'self'",
        "base-uri 'self'",
        "script-src 'self'",
        "script-src-attr 'none'",
        "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
        "img-src 'self' data:",
        "font-src 'self' data: https://fonts.gstatic.com",
        "connect-src 'self'",
        "object-src 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join(';'),
    );
  });
});
