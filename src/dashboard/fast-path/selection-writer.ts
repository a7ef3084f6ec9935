import {
  FieldNode,
  GraphQLBoolean,
  GraphQLFieldResolver,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLLeafType,
  GraphQLObjectType,
  GraphQLOutputType,
  GraphQLScalarType,
  GraphQLString,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  Kind,
  SelectionSetNode,
} from 'graphql';

/** Writes one value of a compiled type and selection as JSON text. */
export type ValueWriter = (value: unknown) => string;

/**
 * A value GraphQL would not complete without an error (a null for a non-null field, a scalar
 * its type does not serialize, a list that is not an array, ...): the caller lets GraphQL
 * answer instead, with the error in its own form.
 */
export class NotSerializable extends Error {}

/** A type or selection the writer does not handle (fragments, abstract types, own resolvers): GraphQL answers. */
export class UnsupportedSelection extends Error {}

export interface SelectionWriterOptions {
  /** A scalar whose `serialize` turns a Date into its toISOString() (e.g. Nest's DateTime): Dates are written inline. */
  isoDateScalar?: GraphQLScalarType;
}

const MIN_INT = -(2 ** 31);
const MAX_INT = 2 ** 31 - 1;

/**
 * Compiles a selection set against the schema's output types into a function that writes a
 * resolved value as the JSON text GraphQL's result completion and JSON.stringify would give:
 * response keys (alias or name) in selection order, `__typename`, lists, nested objects,
 * nullability, scalars through their type's `serialize` (common cases inline). A field is read
 * as graphql-js's default resolver reads it, or through its own `resolve` called with the parent
 * alone (no arguments, context or info: Nest's code-first fields read a property of the parent
 * this way); a resolver that needs more throws, and one that answers a promise is not waited
 * for. Anything GraphQL would report as an error throws NotSerializable.
 *
 * The selections must be plain fields without arguments or directives, each response key once
 * (what the recognizer lets through), in a document that validates against the schema.
 */
export class SelectionWriter {
  constructor(private readonly options: SelectionWriterOptions = {}) {}

  compile(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): ValueWriter {
    if (isNonNullType(type)) {
      const inner = this.nonNull(type.ofType, selectionSet);
      return (value) => {
        if (value === null || value === undefined) throw new NotSerializable('null for a non-null field');
        return inner(value);
      };
    }
    const inner = this.nonNull(type, selectionSet);
    return (value) => (value === null || value === undefined ? 'null' : inner(value));
  }

  /** The writer of a value known not to be null or undefined. */
  private nonNull(type: GraphQLOutputType, selectionSet: SelectionSetNode | undefined): ValueWriter {
    if (isListType(type)) return listWriter(this.compile(type.ofType, selectionSet));
    if (isObjectType(type)) {
      if (selectionSet === undefined) throw new UnsupportedSelection(`${type.name} needs a selection`);
      return this.objectWriter(type, selectionSet);
    }
    if (selectionSet !== undefined) throw new UnsupportedSelection('a selection on a leaf');
    if (isScalarType(type)) return this.scalarWriter(type);
    if (isEnumType(type)) return leafWriter(type);
    throw new UnsupportedSelection(`abstract type ${type.toString()}`);
  }

  private objectWriter(type: GraphQLObjectType, selectionSet: SelectionSetNode): ValueWriter {
    if (type.isTypeOf) throw new UnsupportedSelection(`${type.name} has isTypeOf`);
    const definitions = type.getFields();
    const names: string[] = [];
    const prefixes: string[] = [];
    const writers: (ValueWriter | string)[] = [];
    const resolvers: (GraphQLFieldResolver<unknown, unknown> | undefined)[] = [];
    const keys = new Set<string>();
    for (const selection of selectionSet.selections) {
      if (selection.kind !== Kind.FIELD || selection.directives?.length || selection.arguments?.length) {
        throw new UnsupportedSelection('only plain fields');
      }
      const key = responseKey(selection);
      if (keys.has(key)) throw new UnsupportedSelection(`response key ${key} twice`);
      keys.add(key);
      const name = selection.name.value;
      names.push(name);
      prefixes.push((prefixes.length === 0 ? '{' : ',') + JSON.stringify(key) + ':');
      if (name === '__typename') {
        if (selection.selectionSet !== undefined) throw new UnsupportedSelection('a selection on __typename');
        writers.push(JSON.stringify(type.name));
        resolvers.push(undefined);
        continue;
      }
      const definition = definitions[name];
      if (definition === undefined) throw new UnsupportedSelection(`unknown field ${type.name}.${name}`);
      if (definition.args.length > 0) throw new UnsupportedSelection(`${type.name}.${name} takes arguments`);
      writers.push(this.compile(definition.type, selection.selectionSet));
      resolvers.push(definition.resolve);
    }
    if (names.length === 0) throw new UnsupportedSelection('an empty selection');
    const count = names.length;
    return (value) => {
      if (typeof value !== 'object') throw new NotSerializable(`${type.name} is not an object`);
      const source = value as Record<string, unknown>;
      let out = '';
      for (let i = 0; i < count; i++) {
        const writer = writers[i];
        if (typeof writer === 'string') {
          out += prefixes[i] + writer;
          continue;
        }
        const resolve = resolvers[i];
        let field: unknown;
        if (resolve === undefined) {
          field = source[names[i]];
          // graphql-js's default resolver would call it.
          if (typeof field === 'function') throw new NotSerializable(`${type.name}.${names[i]} is a function`);
        } else {
          field = resolveAlone(resolve, source, type, names[i]);
        }
        out += prefixes[i] + writer(field);
      }
      return out + '}';
    };
  }

  private scalarWriter(type: GraphQLScalarType): ValueWriter {
    const slow = leafWriter(type);
    if (type === GraphQLFloat) return (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : slow(v));
    if (type === GraphQLInt) return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= MIN_INT && v <= MAX_INT ? String(v) : slow(v));
    if (type === GraphQLString || type === GraphQLID) return (v) => (typeof v === 'string' ? JSON.stringify(v) : slow(v));
    if (type === GraphQLBoolean) return (v) => (v === true ? 'true' : v === false ? 'false' : slow(v));
    if (type === this.options.isoDateScalar) return (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? '"' + v.toISOString() + '"' : slow(v));
    return slow;
  }
}

const NO_ARGS = Object.freeze({});

function resolveAlone(resolve: GraphQLFieldResolver<unknown, unknown>, source: object, type: GraphQLObjectType, name: string): unknown {
  let value: unknown;
  try {
    value = resolve(source, NO_ARGS, undefined, undefined as never);
  } catch (error) {
    throw new NotSerializable(`${type.name}.${name}: ${(error as Error).message}`);
  }
  if (typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function') {
    throw new NotSerializable(`${type.name}.${name} answered a promise`);
  }
  return value;
}

function responseKey(node: FieldNode): string {
  return node.alias?.value ?? node.name.value;
}

function listWriter(item: ValueWriter): ValueWriter {
  return (value) => {
    // graphql-js takes any iterable; only arrays are written here.
    if (!Array.isArray(value)) throw new NotSerializable('a list that is not an array');
    // Items joined once: far cheaper for V8 than appending each to one growing string.
    const length = value.length;
    const items = new Array<string>(length);
    for (let i = 0; i < length; i++) items[i] = item(value[i]);
    return '[' + items.join(',') + ']';
  };
}

/** A leaf through its type's `serialize`, as graphql-js completes it (a null result is an error there). */
function leafWriter(type: GraphQLLeafType): ValueWriter {
  return (value) => {
    let serialized: unknown;
    try {
      serialized = type.serialize(value);
    } catch (error) {
      throw new NotSerializable(`${type.name}: ${(error as Error).message}`);
    }
    if (serialized === null || serialized === undefined) throw new NotSerializable(`${type.name} serialized to null`);
    const json = JSON.stringify(serialized) as string | undefined;
    if (json === undefined) throw new NotSerializable(`${type.name} serialized to no JSON value`);
    return json;
  };
}
