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
  // JSON numbers past the double range (1e309) parse as Infinity: not a number any parameter can take.
  strictNumbers: true,
  keywords: ['errorMessage', 'example'],
});

/**
 * Turns schema errors into the message a client reads. Within a union (`number | null`, `string | string[]`)
 * ajv reports every branch; the error of the branch whose type matched says what is really wrong.
 */
export function describeValidationError(errors: ErrorObject[] | null | undefined, root = 'body'): string {
  const all = errors ?? [];
  const first = all.find((error) => !['type', 'anyOf', 'oneOf', 'const'].includes(error.keyword)) ?? all[0];
  if (!first) return 'invalid request';
  const path = `\`${first.instancePath.replace(/^\//, '').replaceAll('/', '.') || root}\``;
  const sameField = all.filter((error) => error.instancePath === first.instancePath);
  if (first.keyword !== 'type') {
    // The schema's wording is about its limits (a union may carry it on one branch, or on the field that holds this item); a value of the wrong
    // type gets the plain type message instead.
    const enclosing = all.filter((error) => first.instancePath.startsWith(error.instancePath));
    const custom = [first, ...sameField, ...enclosing].map((error) => messageOf(error)).find((message) => message !== undefined);
    if (custom !== undefined) return custom;
  }
  if (first.keyword === 'required') return `\`${String(first.params.missingProperty)}\` is required`;
  const allowed = sameField.filter((error) => error.keyword === 'const').map((error) => JSON.stringify(error.params.allowedValue));
  if (allowed.length > 0) return `${path} must be one of ${allowed.join(', ')}`;
  if (first.keyword === 'type') {
    if (typeof first.data === 'number' && !Number.isFinite(first.data)) {
      return `${path} is too large: it is beyond the range of a 64-bit number. Send a finite number`;
    }
    const types = [...new Set(sameField.filter((error) => error.keyword === 'type').map((error) => String(error.params.type)))];
    return `${path} must be ${types.join(' or ')}`;
  }
  return `${path} ${first.message ?? 'is invalid'}`;
}

function messageOf(error: ErrorObject): string | undefined {
  const message = (error.parentSchema as { errorMessage?: unknown } | undefined)?.errorMessage;
  return typeof message === 'string' ? message : undefined;
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
