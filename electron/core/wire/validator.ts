// One validator for every front door (HTTP routes and IPC handlers), built from the wire schemas.
// A schema may carry `errorMessage`: the TGI wording reported when that schema rejects a value.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Static, TSchema } from 'typebox';
import { validationError } from '../errors.js';

export const ajv = new Ajv({
  // TGI answers 422 for "1" where a number is expected; so do we.
  coerceTypes: false,
  useDefaults: false,
  allErrors: false,
  verbose: true,
  strict: false,
  keywords: ['errorMessage', 'example'],
});

/** Turns the first schema error into the message a client reads. */
export function describeValidationError(errors: ErrorObject[] | null | undefined, root = 'body'): string {
  const first = errors?.[0];
  if (!first) return 'invalid request';
  const custom = (first.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage;
  // The schema's wording is about its limits; a value of the wrong type gets the plain type message.
  if (typeof custom === 'string' && first.keyword !== 'type') return custom;
  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.');
  if (first.keyword === 'required') return `\`${String(first.params.missingProperty)}\` is required`;
  const allowed = errors!.filter((error) => error.keyword === 'const' && error.instancePath === first.instancePath).map((error) => JSON.stringify(error.params.allowedValue));
  if (allowed.length > 0) return `\`${path || root}\` must be one of ${allowed.join(', ')}`;
  if (first.keyword === 'anyOf' || first.keyword === 'oneOf') return `\`${path || root}\` has an invalid value`;
  return `\`${path || root}\` ${first.message ?? 'is invalid'}`;
}

const compiled = new WeakMap<TSchema, ValidateFunction>();

export function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

/** Validates a payload against a wire schema; throws a 422 `validation` ApiError in TGI's words. */
export function parse<T extends TSchema>(schema: T, value: unknown): Static<T> {
  const validate = compile(schema);
  if (!validate(value)) throw validationError(describeValidationError(validate.errors));
  return value as Static<T>;
}
