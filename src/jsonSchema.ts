/**
 * A validator for the part of JSON Schema (draft 2020-12) that
 * `schema/payload.v1.json` uses. It reports the first violation with the
 * path of the offending value as JavaScript would write it
 * (`payload.runs[0].metrics["loss"][2] must be a number or null, got ...`).
 *
 * Not Ajv (135 KB minified in the labextension, 34 KB as generated
 * standalone code) nor another JSON Schema library (@cfworker/json-schema:
 * 23 KB) for a dozen keywords. A schema that uses any keyword not listed in
 * KEYWORDS is refused when it is loaded, so the schema cannot grow a rule
 * that goes unchecked here.
 */

export type SchemaType =
  'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export type Scalar = string | number | boolean | null;

/** A (sub)schema; `true` accepts anything, `false` nothing. */
export type JsonSchema = boolean | SchemaObject;

export interface SchemaObject {
  $schema?: string;
  $defs?: Record<string, JsonSchema>;
  $ref?: string;
  title?: string;
  description?: string;
  type?: SchemaType | SchemaType[];
  const?: Scalar;
  enum?: Scalar[];
  minimum?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  prefixItems?: JsonSchema[];
  items?: JsonSchema;
  minItems?: number;
}

/** Keywords about a value's members or a reference: not a leaf check. */
const STRUCTURAL = [
  '$ref',
  'properties',
  'required',
  'additionalProperties',
  'prefixItems',
  'items',
  'minItems'
] as const;

const KEYWORDS = new Set<string>([
  ...STRUCTURAL,
  '$schema',
  '$defs',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'minimum',
  'pattern'
]);

const TYPE_NAMES: Record<SchemaType, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null'
};

type Obj = Record<string, unknown>;

type LeafTest = (value: unknown) => boolean;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as an error message names it. */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'string') {
    const shown = value.length > 30 ? `${value.slice(0, 27)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  return typeof value === 'object' ? 'an object' : `${typeof value} ${value}`;
}

function hasType(value: unknown, type: SchemaType): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function hasTypes(value: unknown, types: SchemaType | SchemaType[]): boolean {
  return typeof types === 'string'
    ? hasType(value, types)
    : types.some(t => hasType(value, t));
}

function oneOfText(values: readonly Scalar[]): string {
  const shown = values.map(v => JSON.stringify(v));
  return shown.length === 1
    ? shown[0]
    : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}`;
}

/** The checks of one schema; `check` returns the first violation or null. */
export class SchemaValidator {
  /** Throws if the schema uses anything this validator does not check. */
  constructor(root: JsonSchema) {
    this._root = root;
    this._defs = (typeof root === 'object' && root.$defs) || {};
    this._assertSupported(root, '#');
  }

  /** The first violation, as a sentence naming `name` + the path, or null. */
  check(value: unknown, name: string): string | null {
    this._path = [name];
    return this._check(this._root, value);
  }

  private _assertSupported(schema: JsonSchema, where: string): void {
    if (typeof schema === 'boolean') {
      return;
    }
    if (!isObject(schema as unknown)) {
      throw new Error(`schema ${where} is neither an object nor a boolean`);
    }
    for (const key of Object.keys(schema)) {
      if (!KEYWORDS.has(key)) {
        throw new Error(`schema ${where} uses the unsupported keyword ${key}`);
      }
    }
    const types = schema.type === undefined ? [] : [schema.type].flat();
    for (const type of types) {
      if (!(type in TYPE_NAMES)) {
        throw new Error(`schema ${where} has the unsupported type ${type}`);
      }
    }
    for (const v of [schema.const, ...(schema.enum ?? [])]) {
      if (typeof v === 'object' && v !== null) {
        throw new Error(`schema ${where}: const and enum must be scalars`);
      }
    }
    if (schema.$ref !== undefined) {
      this._resolve(schema.$ref, where);
    }
    const subschemas: [string, JsonSchema | undefined][] = [
      ...Object.entries(schema.$defs ?? {}).map(
        ([k, s]): [string, JsonSchema] => [`$defs/${k}`, s]
      ),
      ...Object.entries(schema.properties ?? {}).map(
        ([k, s]): [string, JsonSchema] => [`properties/${k}`, s]
      ),
      ...(schema.prefixItems ?? []).map((s, i): [string, JsonSchema] => [
        `prefixItems/${i}`,
        s
      ]),
      ['additionalProperties', schema.additionalProperties],
      ['items', schema.items]
    ];
    for (const [key, sub] of subschemas) {
      if (sub !== undefined) {
        this._assertSupported(sub, `${where}/${key}`);
      }
    }
  }

  private _resolve(ref: string, where = '#'): JsonSchema {
    const name = ref.startsWith('#/$defs/') ? ref.slice(8) : null;
    const found = name === null ? undefined : this._defs[name];
    if (found === undefined) {
      throw new Error(`schema ${where}: cannot resolve $ref ${ref}`);
    }
    return found;
  }

  /** What a value of `schema` is, for "must be ...". */
  private _expected(schema: JsonSchema): string {
    if (typeof schema === 'boolean') {
      return schema ? 'anything' : 'absent';
    }
    if (schema.enum !== undefined) {
      return oneOfText(schema.enum);
    }
    if (schema.const !== undefined) {
      return oneOfText([schema.const]);
    }
    if (schema.type !== undefined) {
      return [schema.type]
        .flat()
        .map(t => TYPE_NAMES[t])
        .join(' or ');
    }
    return schema.$ref === undefined
      ? 'anything'
      : this._expected(this._resolve(schema.$ref));
  }

  private _fail(expected: string, got: unknown): string {
    return `${this._where()} must be ${expected}, got ${kindOf(got)}`;
  }

  // The path is a stack: property segments rendered, array indices as
  // numbers, so checking a long column makes no string per value.
  private _where(): string {
    return this._path
      .map(segment => (typeof segment === 'number' ? `[${segment}]` : segment))
      .join('');
  }

  private _check(schema: JsonSchema, value: unknown): string | null {
    if (schema === true) {
      return null;
    }
    if (schema === false) {
      return `${this._where()} is not allowed here`;
    }
    if (schema.$ref !== undefined) {
      const found = this._check(this._resolve(schema.$ref), value);
      if (found !== null) {
        return found;
      }
    }
    if (schema.type !== undefined && !hasTypes(value, schema.type)) {
      return this._fail(this._expected(schema), value);
    }
    if (
      (schema.const !== undefined && value !== schema.const) ||
      (schema.enum !== undefined && !schema.enum.includes(value as Scalar))
    ) {
      return this._fail(this._expected(schema), value);
    }
    if (
      schema.minimum !== undefined &&
      typeof value === 'number' &&
      value < schema.minimum
    ) {
      return this._fail(`>= ${schema.minimum}`, value);
    }
    if (
      schema.pattern !== undefined &&
      typeof value === 'string' &&
      !this._regex(schema.pattern).test(value)
    ) {
      return this._fail(`a string matching ${schema.pattern}`, value);
    }
    if (isObject(value)) {
      return this._checkObject(schema, value);
    }
    if (Array.isArray(value)) {
      return this._checkArray(schema, value);
    }
    return null;
  }

  private _checkObject(schema: SchemaObject, value: Obj): string | null {
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) {
      if (value[name] === undefined) {
        const fixed = Object.prototype.hasOwnProperty.call(properties, name);
        this._path.push(fixed ? `.${name}` : `[${JSON.stringify(name)}]`);
        const sub = fixed ? properties[name] : schema.additionalProperties;
        return sub === undefined || sub === true
          ? `${this._where()} is missing`
          : this._fail(this._expected(sub), undefined);
      }
    }
    for (const [name, sub] of Object.entries(properties)) {
      if (value[name] !== undefined) {
        this._path.push(`.${name}`);
        const found = this._check(sub, value[name]);
        if (found !== null) {
          return found;
        }
        this._path.pop();
      }
    }
    const rest = schema.additionalProperties;
    if (rest === undefined || rest === true) {
      return null;
    }
    for (const [name, item] of Object.entries(value)) {
      if (
        item !== undefined &&
        !Object.prototype.hasOwnProperty.call(properties, name)
      ) {
        this._path.push(`[${JSON.stringify(name)}]`);
        const found = this._check(rest, item);
        if (found !== null) {
          return found;
        }
        this._path.pop();
      }
    }
    return null;
  }

  /**
   * A quick yes/no for a schema that constrains a value alone (type, enum,
   * minimum), or null: long columns are checked item by item, and only a
   * failing item goes through `_check` for its message.
   */
  private _leaf(schema: JsonSchema): LeafTest | null {
    if (typeof schema === 'boolean') {
      return () => schema;
    }
    let test = this._leaves.get(schema);
    if (test === undefined) {
      test = this._compileLeaf(schema);
      this._leaves.set(schema, test);
    }
    return test;
  }

  private _compileLeaf(schema: SchemaObject): LeafTest | null {
    const structural = STRUCTURAL.filter(key => schema[key] !== undefined);
    if (structural.length > 0) {
      const onlyRef =
        structural.length === 1 &&
        schema.$ref !== undefined &&
        schema.type === undefined &&
        schema.const === undefined &&
        schema.enum === undefined &&
        schema.minimum === undefined &&
        schema.pattern === undefined;
      return onlyRef ? this._leaf(this._resolve(schema.$ref!)) : null;
    }
    const { type, const: only, enum: among, minimum, pattern } = schema;
    const regex = pattern === undefined ? undefined : this._regex(pattern);
    return value =>
      (type === undefined || hasTypes(value, type)) &&
      (only === undefined || value === only) &&
      (among === undefined || among.includes(value as Scalar)) &&
      (minimum === undefined ||
        typeof value !== 'number' ||
        value >= minimum) &&
      (regex === undefined || typeof value !== 'string' || regex.test(value));
  }

  private _checkArray(schema: SchemaObject, value: unknown[]): string | null {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      const least = `at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`;
      return value.length === 0
        ? `${this._where()} is empty: it must hold ${least}`
        : `${this._where()} must hold ${least}, got ${value.length}`;
    }
    const prefix = schema.prefixItems ?? [];
    if (schema.items === false && value.length > prefix.length) {
      return `${this._where()} must hold at most ${prefix.length} items, got ${value.length}`;
    }
    const rest = schema.items === undefined ? null : this._leaf(schema.items);
    for (let i = 0; i < value.length; i++) {
      const sub = i < prefix.length ? prefix[i] : schema.items;
      const test = i < prefix.length ? this._leaf(prefix[i]) : rest;
      if (sub === undefined || (test !== null && test(value[i]))) {
        continue;
      }
      this._path.push(i);
      const found = this._check(sub, value[i]);
      if (found !== null) {
        return found;
      }
      this._path.pop();
    }
    return null;
  }

  private readonly _leaves = new WeakMap<SchemaObject, LeafTest | null>();
  private readonly _regexes = new Map<string, RegExp>();

  /** JSON Schema patterns are ECMA-262 and unanchored: `u` for code points. */
  private _regex(pattern: string): RegExp {
    let regex = this._regexes.get(pattern);
    if (regex === undefined) {
      regex = new RegExp(pattern, 'u');
      this._regexes.set(pattern, regex);
    }
    return regex;
  }
  private readonly _root: JsonSchema;
  private readonly _defs: Record<string, JsonSchema>;
  private _path: (string | number)[] = [];
}
