// A client's JSON Schema as the schema node-llama-cpp builds grammars from (GbnfJsonSchema), or a 422 that
// names what Brook cannot enforce. The grammar makes every output satisfy the converted schema, and the
// converted schema is never looser than the client's: keywords that only annotate are dropped, keywords
// that constrain are either carried over or refused, never silently passed.
import Ajv2020 from 'ajv/dist/2020.js';
import type { GbnfJsonSchema } from 'node-llama-cpp';
import { validationError } from '../errors.js';
import type { JsonSchema } from '../wire/generation.js';

/** Keywords that describe without constraining (JSON Schema's annotations; `format` is one by default). */
const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', '$schema', '$id', '$comment', 'format', 'strict']);
/** Constraints node-llama-cpp's grammar enforces. `required`: its grammar always writes every property. */
const ENFORCED = new Set([
  'type', 'const', 'enum', 'oneOf', 'anyOf', 'properties', 'additionalProperties', 'required', 'minProperties', 'maxProperties',
  'items', 'prefixItems', 'minItems', 'maxItems', 'minLength', 'maxLength', '$defs', 'definitions', '$ref', 'nullable',
]);
const GRAMMAR_FORMATS = new Set(['date-time', 'time', 'date']);
const SCALARS = new Set(['string', 'number', 'integer', 'boolean', 'null']);

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });

/**
 * Checks that `schema` is a JSON Schema (422 otherwise, with ajv's reason) that Brook can enforce (422 naming
 * the first keyword it cannot), and converts it. `where` names the field in messages, e.g. "`response_format.json_schema.schema`".
 */
export function enforceableSchema(schema: unknown, where: string): GbnfJsonSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw validationError(`${where} must be a JSON Schema object, for example {"type": "object", "properties": {...}}`);
  }
  // Checked as draft 2020-12, whatever `$schema` says (pydantic and zod write draft-07 and 2019-09 schemas,
  // whose keywords Brook enforces the same way).
  const { $schema: _dialect, ...checked } = schema as JsonSchema;
  if (!ajv.validateSchema(checked)) {
    throw validationError(`${where} is not a valid JSON Schema: ${ajv.errorsText(ajv.errors, { dataVar: 'schema' })}`);
  }
  try {
    ajv.compile(checked);
  } catch (error) {
    throw validationError(`${where} is not a usable JSON Schema: ${(error as Error).message}`);
  } finally {
    // ajv keeps every compiled schema; a long-running server sees a new one with every request.
    ajv.removeSchema(checked);
  }
  const definitions = (schema as JsonSchema).$defs ?? (schema as JsonSchema).definitions;
  return convert(schema as JsonSchema, where, '', definitions as Record<string, unknown> | undefined, true);
}

function convert(schema: unknown, where: string, path: string, definitions: Record<string, unknown> | undefined, root = false): GbnfJsonSchema {
  if (schema === true || (isObject(schema) && Object.keys(schema).every((key) => ANNOTATIONS.has(key)))) return ANY;
  if (schema === false || !isObject(schema)) throw validationError(`${where}${path}: a schema that allows nothing cannot be generated`);
  for (const key of Object.keys(schema)) {
    if (isSafeIntegerBound(key, schema[key])) continue;
    if (!ENFORCED.has(key) && !ANNOTATIONS.has(key)) {
      throw validationError(
        `${where}${path} uses \`${key}\`, which Brook cannot enforce while generating. Remove it (and check the value in your code), or express it with type, enum, const, anyOf/oneOf, properties, items, minItems/maxItems or minLength/maxLength.`,
      );
    }
  }
  const at = (suffix: string) => `${path}${suffix}`;
  const description = typeof schema.description === 'string' ? { description: schema.description } : {};
  const defs = root && definitions ? { $defs: mapValues(definitions, (value, name) => convert(value, where, `/$defs/${name}`, definitions)) } : {};

  if (typeof schema.$ref === 'string') {
    const name = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(schema.$ref)?.[1];
    if (!name || !definitions?.[name]) throw validationError(`${where}${path}: \`$ref\` "${schema.$ref}" must point to "#/$defs/<name>" of the same schema`);
    return { $ref: `#/$defs/${name}`, ...description, ...defs } as GbnfJsonSchema;
  }
  if ('const' in schema) return { const: scalar(schema.const, where, at('/const')), ...description } as GbnfJsonSchema;
  if (Array.isArray(schema.enum)) return { enum: schema.enum.map((value, index) => scalar(value, where, at(`/enum/${index}`))), ...description } as GbnfJsonSchema;
  const alternatives = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) {
    // Generating one alternative satisfies anyOf; for oneOf, the alternatives the grammar can tell apart are distinct values.
    return { oneOf: alternatives.map((alternative, index) => convert(alternative, where, at(`/${schema.oneOf ? 'oneOf' : 'anyOf'}/${index}`), definitions)), ...description, ...defs } as GbnfJsonSchema;
  }

  let types: string[] = typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? (schema.type as string[]) : [];
  if (schema.nullable === true && !types.includes('null')) types = [...types, 'null'];
  if (types.length === 0) types = inferTypes(schema);
  if (types.length > 1) {
    if (types.every((type) => SCALARS.has(type) && type !== 'string')) return { type: types, ...description, ...defs } as GbnfJsonSchema;
    return { oneOf: types.map((type) => convert({ ...schema, type, nullable: undefined }, where, path, definitions)), ...description, ...defs } as GbnfJsonSchema;
  }
  const type = types[0]!;
  if (type === 'object') {
    const properties = isObject(schema.properties) ? mapValues(schema.properties, (value, name) => convert(value, where, at(`/properties/${name}`), definitions)) : undefined;
    const extra = schema.additionalProperties;
    // JSON Schema allows other properties unless told not to; with none listed, let the model write some.
    const additionalProperties = extra === false ? false : isObject(extra) ? convert(extra, where, at('/additionalProperties'), definitions) : !properties;
    return {
      type: 'object',
      ...(properties ? { properties } : {}),
      additionalProperties,
      ...pick(schema, ['minProperties', 'maxProperties']),
      ...description,
      ...defs,
    } as GbnfJsonSchema;
  }
  if (type === 'array') {
    return {
      type: 'array',
      ...(schema.items !== undefined ? { items: convert(schema.items, where, at('/items'), definitions) } : {}),
      ...(Array.isArray(schema.prefixItems) ? { prefixItems: schema.prefixItems.map((item, index) => convert(item, where, at(`/prefixItems/${index}`), definitions)) } : {}),
      ...pick(schema, ['minItems', 'maxItems']),
      ...description,
      ...defs,
    } as GbnfJsonSchema;
  }
  if (type === 'string') {
    const format = typeof schema.format === 'string' && GRAMMAR_FORMATS.has(schema.format) ? { format: schema.format } : {};
    return { type: 'string', ...format, ...pick(schema, ['minLength', 'maxLength']), ...description, ...defs } as GbnfJsonSchema;
  }
  if (!SCALARS.has(type)) throw validationError(`${where}${at('/type')}: unknown type "${type}"`);
  return { type, ...description, ...defs } as GbnfJsonSchema;
}

/** Any JSON value (node-llama-cpp reads an empty schema as `null`). */
const ANY = { oneOf: [{ type: ['string', 'number', 'boolean', 'null'] }, { type: 'object', additionalProperties: true }, { type: 'array' }] } as unknown as GbnfJsonSchema;

/** The type a schema without `type` implies from its keywords; any JSON value when none do. */
function inferTypes(schema: JsonSchema): string[] {
  if ('properties' in schema || 'additionalProperties' in schema) return ['object'];
  if ('items' in schema || 'prefixItems' in schema) return ['array'];
  if ('minLength' in schema || 'maxLength' in schema) return ['string'];
  return ['string', 'number', 'boolean', 'null', 'object', 'array'];
}

/**
 * zod writes `int()` as the safe-integer range (±(2^53 − 1)). Bounds that wide are enforced: the grammar's
 * integers have at most 15 digits (gbnf.ts), inside that range. Narrower bounds are refused.
 */
function isSafeIntegerBound(key: string, value: unknown): boolean {
  if (key === 'minimum') return typeof value === 'number' && value <= -Number.MAX_SAFE_INTEGER;
  if (key === 'maximum') return typeof value === 'number' && value >= Number.MAX_SAFE_INTEGER;
  return false;
}

function scalar(value: unknown, where: string, path: string): string | number | boolean | null {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as string | number | boolean | null;
  throw validationError(`${where}${path}: Brook can enforce only strings, numbers, booleans and null as \`const\` or \`enum\` values`);
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pick(schema: JsonSchema, keys: string[]): JsonSchema {
  return Object.fromEntries(keys.filter((key) => typeof schema[key] === 'number').map((key) => [key, schema[key]]));
}

function mapValues<T>(record: Record<string, unknown>, map: (value: unknown, key: string) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value, key)]));
}
