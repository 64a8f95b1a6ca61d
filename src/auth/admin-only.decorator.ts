import { applyDecorators, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';

/** Marks a controller or handler as admin-only (Bearer ADMIN_TOKEN). */
export const AdminOnly = () => applyDecorators(UseGuards(AdminTokenGuard));
