import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { isAdminAuthenticated } from './admin-authentication';
import { checkBearerToken } from './bearer-token';
import { secretDigest } from './same-secret';

/**
 * Admin routes: `Authorization: Bearer <ADMIN_TOKEN>`. No credentials → 401, wrong ones → 403.
 * With no ADMIN_TOKEN configured the admin routes are closed (503), never open. Under
 * `/api/admin` the api's `onRequest` hook (HttpSecurity) has checked the same before the body was
 * read, and marked the request (the guard then lets it through without a second digest); the
 * guard keeps any admin route outside that prefix closed too.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  /** The token's digest, computed once rather than on every admin request. */
  private readonly expected?: Buffer;

  constructor(config: AppConfig) {
    const { token } = config.admin;
    this.expected = token === undefined ? undefined : secretDigest(token);
  }

  canActivate(context: ExecutionContext): boolean {
    const expected = this.expected;
    if (!expected) throw new ServiceUnavailableException('Admin routes are disabled: ADMIN_TOKEN is not set');
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (isAdminAuthenticated(request)) return true;
    const verdict = checkBearerToken(request.headers.authorization, expected);
    if (verdict === 'missing') throw new UnauthorizedException('Missing Bearer token');
    if (verdict === 'wrong') throw new ForbiddenException('Invalid admin token');
    return true;
  }
}
