import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../common/api-errors.decorator';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * Marks a controller or handler as admin-only (Bearer ADMIN_TOKEN), and documents it so in the
 * OpenAPI document: the `bearer` security scheme and the guard's answers.
 */
export const AdminOnly = () =>
  applyDecorators(
    UseGuards(AdminTokenGuard),
    ApiBearerAuth(),
    ApiErrors({
      401: 'UNAUTHORIZED: no Bearer token',
      403: 'FORBIDDEN: not the admin token',
      429: 'TOO_MANY_REQUESTS: too many failed logins from this address this minute; Retry-After says when to try again',
      503: 'SERVICE_UNAVAILABLE: admin routes are closed, ADMIN_TOKEN is not set',
    }),
  );
