import { ApiProperty, type SchemaObject } from '@nestjs/swagger';

/**
 * Any JSON value, null included, for values typed `unknown`. OpenAPI 3.0 has no `any` type, and
 * @nestjs/swagger gives every property a `type` unless it is described with a combinator, hence
 * `anyOf`. It has no `null` type either, and `nullable` counts only beside a `type`, so the
 * `object` branch carries it: a `nullable` next to `anyOf` is an error for validators.
 */
const JSON_TYPES: SchemaObject[] = [
  { type: 'string' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'object', nullable: true },
  { type: 'array', items: {} },
];

/** Documents a property typed `unknown` that holds any JSON value; its description comes from its TSDoc. */
export const ApiJsonValue = () => ApiProperty({ anyOf: JSON_TYPES });

/** Documents a property typed `unknown[]`: a list of any JSON values. */
export const ApiJsonArray = () => ApiProperty({ type: 'array', items: { anyOf: JSON_TYPES } });
