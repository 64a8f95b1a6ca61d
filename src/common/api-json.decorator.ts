import { ApiProperty, type SchemaObject } from '@nestjs/swagger';

/**
 * Every JSON type, for values typed `unknown`. OpenAPI 3.0 has no `any` type, and @nestjs/swagger
 * gives every property a `type` unless it is described with a combinator, hence `anyOf`.
 */
const JSON_TYPES: SchemaObject[] = [
  { type: 'string' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'object' },
  { type: 'array', items: {} },
];

/** Documents a property typed `unknown` that holds any JSON value; its description comes from its TSDoc. */
export const ApiJsonValue = () => ApiProperty({ anyOf: JSON_TYPES, nullable: true });

/** Documents a property typed `unknown[]`: a list of any JSON values. */
export const ApiJsonArray = () => ApiProperty({ type: 'array', items: { anyOf: JSON_TYPES, nullable: true } });
