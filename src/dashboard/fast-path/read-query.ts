import {
  DocumentNode,
  FieldNode,
  GraphQLField,
  GraphQLSchema,
  Kind,
  OperationDefinitionNode,
  OperationTypeNode,
  parse,
  SelectionSetNode,
  validate,
  ValidationRule,
} from 'graphql';
import { SelectionWriter, UnsupportedSelection, ValueWriter } from './selection-writer';

/** The read queries the fast path answers. */
export const READ_FIELDS = ['trends', 'topSeries'] as const;
export type ReadFieldName = (typeof READ_FIELDS)[number];

/** One top-level field of a recognised query: what to call, with which arguments, and how to write its answer. */
export interface ReadField {
  responseKey: string;
  name: ReadFieldName;
  node: FieldNode;
  definition: GraphQLField<unknown, unknown>;
  write: ValueWriter;
}

/** A query document the fast path answers exactly as GraphQL would. */
export interface ReadQuery {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName?: string;
  fields: ReadField[];
}

/**
 * Recognises the read queries that the fast path can answer exactly as GraphQL would: one
 * `query` operation whose top-level fields are all `trends` or `topSeries` (aliases and several
 * fields allowed, arguments as literals or variables), selections made only of fields (aliases
 * and `__typename` allowed, each response key once), no fragments and no directives, and a
 * document that passes `rules` (graphql-js's specified rules and the service's own). Anything
 * else is not recognised, and goes through Apollo.
 */
export class ReadQueryRecognizer {
  private readonly writer: SelectionWriter;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    writer?: SelectionWriter,
  ) {
    this.writer = writer ?? new SelectionWriter();
  }

  recognize(query: string): ReadQuery | undefined {
    let document: DocumentNode;
    try {
      document = parse(query, { noLocation: true });
    } catch {
      return undefined;
    }
    if (document.definitions.length !== 1 || document.definitions[0].kind !== Kind.OPERATION_DEFINITION) return undefined;
    const operation = document.definitions[0];
    if (operation.operation !== OperationTypeNode.QUERY || operation.directives?.length) return undefined;
    if (operation.variableDefinitions?.some((v) => v.directives?.length)) return undefined;
    if (!plainFields(operation.selectionSet)) return undefined;
    const queryType = this.schema.getQueryType();
    if (queryType == null || validate(this.schema, document, this.rules).length > 0) return undefined;

    const definitions = queryType.getFields();
    const fields: ReadField[] = [];
    for (const node of operation.selectionSet.selections as FieldNode[]) {
      const name = node.name.value;
      if (!(READ_FIELDS as readonly string[]).includes(name)) return undefined;
      const definition = definitions[name];
      try {
        const write = this.writer.compile(definition.type, node.selectionSet);
        fields.push({ responseKey: node.alias?.value ?? name, name: name as ReadFieldName, node, definition, write });
      } catch (error) {
        if (error instanceof UnsupportedSelection) return undefined;
        throw error;
      }
    }
    return { document, operation, operationName: operation.name?.value, fields };
  }
}

/** Only fields without directives, each response key once, all the way down. */
function plainFields(set: SelectionSetNode): boolean {
  const keys = new Set<string>();
  for (const node of set.selections) {
    if (node.kind !== Kind.FIELD || node.directives?.length) return false;
    const key = node.alias?.value ?? node.name.value;
    if (keys.has(key)) return false;
    keys.add(key);
    if (node.selectionSet !== undefined && !plainFields(node.selectionSet)) return false;
  }
  return true;
}
