import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { matchesDigest, secretDigest } from './same-secret';

/**
 * Admin routes: `Authorization: Bearer <ADMIN_TOKEN>`. No credentials → 401, wrong ones → 403.
 * With no ADMIN_TOKEN configured the admin routes are closed (503), never open.
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
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException('Missing Bearer token');
    if (!matchesDigest(match[1], expected)) throw new ForbiddenException('Invalid admin token');
    return true;
  }
}
