import { FieldNode, Kind, OperationTypeNode, parse, SelectionSetNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import { IngestResult } from '../models/ingest-result.model';

/** One field of the answer as the caller selected it: its response key and, for `errors`, the subfields. */
interface SelectedField {
  key: string;
  name: string;
  subfields?: SelectedField[];
}

/** An `ingestBatch` mutation in its plain form: one field, its batch as a variable, scalar selections. */
export interface IngestOperation {
  variable: string;
  operationName?: string;
  responseKey: string;
  selection: SelectedField[];
}

const RESULT_FIELDS = new Set(['batchId', 'acceptedSamples', 'rejectedSamples', 'acceptedHeartbeats', 'rejectedHeartbeats', 'duplicate', '__typename']);
const ERROR_FIELDS = new Set(['path', 'code', 'message', '__typename']);
const TYPENAMES: Record<string, string> = { result: 'IngestResult', error: 'IngestError' };

/** Longer query texts are neither parsed nor remembered here: Apollo answers them. A plain ingestBatch document is a few hundred characters. */
export const MAX_INGEST_QUERY_CHARS = 4 * 1024;

/** What the remembered documents may hold: entries, and bytes (UTF-16 text, and the parsed selection, estimated). */
export const INGEST_QUERY_CACHE = { maxEntries: 256, maxBytes: 1024 * 1024 };

/**
 * Recognises the ingestBatch documents that the fast path can answer exactly as GraphQL
 * would. Anything else (fragments, directives, literals, other fields, several operations,
 * texts over MAX_INGEST_QUERY_CHARS) is not recognised and goes through Apollo. Documents are
 * parsed once and remembered, least recently used first out, within INGEST_QUERY_CACHE.
 */
export class IngestOperationMatcher {
  private readonly known: LRUCache<string, IngestOperation | false>;

  constructor(limits = INGEST_QUERY_CACHE) {
    this.known = new LRUCache({ max: limits.maxEntries, maxSize: limits.maxBytes, sizeCalculation: (_, query) => 512 + query.length * 4 });
  }

  /** How many bytes the remembered documents are estimated to take. */
  get cachedBytes(): number {
    return this.known.calculatedSize;
  }

  match(query: string): IngestOperation | undefined {
    if (query.length > MAX_INGEST_QUERY_CHARS) return undefined;
    let operation = this.known.get(query);
    if (operation === undefined) {
      operation = recognise(query) ?? false;
      this.known.set(query, operation);
    }
    return operation || undefined;
  }
}

function recognise(query: string): IngestOperation | null {
  let document;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return null;
  }
  if (document.definitions.length !== 1 || document.definitions[0].kind !== Kind.OPERATION_DEFINITION) return null;
  const operation = document.definitions[0];
  if (operation.operation !== OperationTypeNode.MUTATION || operation.directives?.length || operation.variableDefinitions?.length !== 1) return null;
  const definition = operation.variableDefinitions[0];
  const type = definition.type;
  if (
    definition.defaultValue ||
    definition.directives?.length ||
    type.kind !== Kind.NON_NULL_TYPE ||
    type.type.kind !== Kind.NAMED_TYPE ||
    type.type.name.value !== 'TelemetryBatchInput'
  ) {
    return null;
  }
  const field = onlyField(operation.selectionSet);
  if (field === undefined || field.name.value !== 'ingestBatch' || field.arguments?.length !== 1) return null;
  const argument = field.arguments[0];
  if (argument.name.value !== 'batch' || argument.value.kind !== Kind.VARIABLE || argument.value.name.value !== definition.variable.name.value) return null;
  const selection = selectedFields(field.selectionSet, RESULT_FIELDS, true);
  if (selection === undefined) return null;
  return { variable: definition.variable.name.value, operationName: operation.name?.value, responseKey: field.alias?.value ?? 'ingestBatch', selection };
}

function onlyField(set: SelectionSetNode): FieldNode | undefined {
  if (set.selections.length !== 1 || set.selections[0].kind !== Kind.FIELD) return undefined;
  const field = set.selections[0];
  return field.directives?.length ? undefined : field;
}

function selectedFields(set: SelectionSetNode | undefined, allowed: Set<string>, allowErrors: boolean): SelectedField[] | undefined {
  if (set === undefined) return undefined;
  const out: SelectedField[] = [];
  for (const node of set.selections) {
    if (node.kind !== Kind.FIELD || node.directives?.length || node.arguments?.length) return undefined;
    const name = node.name.value;
    const key = node.alias?.value ?? name;
    if (allowErrors && name === 'errors') {
      const subfields = selectedFields(node.selectionSet, ERROR_FIELDS, false);
      if (subfields === undefined) return undefined;
      out.push({ key, name, subfields });
    } else if (allowed.has(name) && node.selectionSet === undefined) {
      out.push({ key, name });
    } else {
      return undefined;
    }
  }
  return out;
}

/** The answer's `data` for the operation: the selected fields of the result, in the selected order. */
export function projectResult(operation: IngestOperation, result: IngestResult): Record<string, unknown> {
  const project = (source: object, fields: SelectedField[], typename: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const value = (source as Record<string, unknown>)[f.name];
      if (f.name === '__typename') out[f.key] = typename;
      else if (f.subfields !== undefined) out[f.key] = (value as object[]).map((e) => project(e, f.subfields!, TYPENAMES.error));
      else out[f.key] = value ?? null;
    }
    return out;
  };
  return { [operation.responseKey]: project(result, operation.selection, TYPENAMES.result) };
}
