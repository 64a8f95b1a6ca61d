import Ajv, { type SchemaObject, type ValidateFunction } from 'ajv';

/**
 * Keys that Nest's ValidationPipe does not pass on as sent, at any depth: it deletes `__proto__`,
 * `constructor` and `prototype`, and class-transformer skips a key naming a function that an
 * object inherits (`toString`, `valueOf`…). A body holding one takes the ValidationPipe's path.
 */
const KEYS_THE_PIPE_ALTERS = [...new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype'])];

/** The id of {@link PLAIN_JSON}'s schema in the shared Ajv instance. */
const PLAIN_JSON_ID = 'plain-json';

const ajv = new Ajv({
  // The schema only decides whether class-validator may be skipped; the errors are its.
  allErrors: false,
  // IsNumber and IsInt refuse NaN and ±Infinity.
  strictNumbers: true,
  allowUnionTypes: true,
});
ajv.addSchema({
  $id: PLAIN_JSON_ID,
  type: ['null', 'boolean', 'number', 'string', 'array', 'object'],
  items: { $ref: PLAIN_JSON_ID },
  propertyNames: { not: { enum: KEYS_THE_PIPE_ALTERS } },
  additionalProperties: { $ref: PLAIN_JSON_ID },
});

/**
 * Any JSON value that the ValidationPipe's transform copies unchanged (no key it alters, at any
 * depth), for a property whose decorators accept any value of its type (`@Allow()`, `@IsArray()`
 * without item rules, `@IsObject()`).
 */
export const PLAIN_JSON: SchemaObject = { $ref: PLAIN_JSON_ID };

const schemas = new WeakMap<object, ValidateFunction>();

/**
 * Pairs a body DTO with a JSON schema, compiled once, that accepts only bodies its decorators
 * accept (the ValidationPipe's options: whitelist, forbidNonWhitelisted, transform) and that its
 * transform copies as they are: SchemaFirstValidationPipe lets those skip class-validator.
 * The schema may refuse more than the decorators; it must never accept more.
 */
export const BodySchema =
  (schema: SchemaObject) =>
  (dto: new () => object): void => {
    schemas.set(dto, ajv.compile(schema));
  };

/** The compiled schema of a DTO class, if it has one. */
export const bodySchemaOf = (dto: unknown): ValidateFunction | undefined => (typeof dto === 'function' ? schemas.get(dto) : undefined);
