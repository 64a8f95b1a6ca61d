import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but not sent as `null`: unlike `@IsOptional()`, which lets `null`
 * through to code that expects the field's type or its default.
 */
export const Omittable = () => ValidateIf((_, value) => value !== undefined);
