import { applyDecorators, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiServiceUnavailableResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard';

/**
 * Marks a controller or handler as admin-only (Bearer ADMIN_TOKEN), and documents it so in the
 * OpenAPI document: the `bearer` security scheme and the guard's answers.
 */
export const AdminOnly = () =>
  applyDecorators(
    UseGuards(AdminTokenGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No Bearer token' }),
    ApiForbiddenResponse({ description: 'Not the admin token' }),
    ApiServiceUnavailableResponse({ description: 'Admin routes are disabled: ADMIN_TOKEN is not set' }),
  );
