import { ForbiddenException, ServiceUnavailableException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { markAdminAuthenticated } from './admin-authentication';
import { AdminTokenGuard } from './admin-token.guard';

const TOKEN = 'a-token-of-sixteen-or-more';

const contextOf = (request: object) => ({ switchToHttp: () => ({ getRequest: () => request }) }) as ExecutionContext;
const requestWith = (authorization?: string) => contextOf({ headers: authorization === undefined ? {} : { authorization } });

describe('AdminTokenGuard', () => {
  const sut = new AdminTokenGuard({ admin: { token: TOKEN } } as AppConfig);

  it('lets the configured Bearer token through, whatever the case of "Bearer"', () => {
    expect(sut.canActivate(requestWith(`Bearer ${TOKEN}`))).toBe(true);
    expect(sut.canActivate(requestWith(`bearer ${TOKEN}`))).toBe(true);
  });

  it('answers 401 without a Bearer token and 403 with another token, a prefix of it included', () => {
    expect(() => sut.canActivate(requestWith())).toThrow(UnauthorizedException);
    expect(() => sut.canActivate(requestWith(`Basic ${TOKEN}`))).toThrow(UnauthorizedException);
    expect(() => sut.canActivate(requestWith('Bearer not-the-token'))).toThrow(ForbiddenException);
    expect(() => sut.canActivate(requestWith(`Bearer ${TOKEN.slice(0, -1)}`))).toThrow(ForbiddenException);
  });

  it('lets a request through that the onRequest hook found right, and only that one', () => {
    const checked = { headers: { authorization: 'Bearer what-the-hook-saw' } };
    markAdminAuthenticated(checked);

    expect(sut.canActivate(contextOf(checked))).toBe(true);
    expect(() => sut.canActivate(contextOf({ headers: { authorization: 'Bearer what-the-hook-saw' } }))).toThrow(ForbiddenException);
  });

  it('keeps the admin routes closed (503) when no ADMIN_TOKEN is set', () => {
    const closed = new AdminTokenGuard({ admin: {} } as AppConfig);

    expect(() => closed.canActivate(requestWith(`Bearer ${TOKEN}`))).toThrow(ServiceUnavailableException);
  });
});
