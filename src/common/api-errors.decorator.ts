import { applyDecorators, type HttpStatus } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorBody } from './error-body.response';

/**
 * Documents the error answers of a route, or of every route of a controller, each with the JSON
 * body {@link HttpErrorFilter} sends: `@ApiErrors({ 404: 'BANNER_NOT_FOUND: …' })`. Two
 * descriptions of one status on the same class or method are joined, so a controller's 503 adds
 * to the one of `@AdminOnly()`; a method's replaces its controller's.
 */
export const ApiErrors = (descriptions: Partial<Record<HttpStatus, string>>) =>
  applyDecorators(
    ...Object.entries(descriptions).map(([status, description]) => ApiResponse({ status: Number(status), description, type: ErrorBody })),
  );
