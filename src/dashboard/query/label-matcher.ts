/**
 * Series selection by label matchers, with Prometheus semantics:
 * - a missing label reads as "", so `x=""` matches series without x and `x!=""` those with it;
 * - REGEX and NOT_REGEX are anchored: `a|b` means `^(?:a|b)$`;
 * - regexes are RE2-like: constructs RE2 lacks (backreferences, lookaround) are refused rather than
 *   run with JavaScript's backtracking semantics, so a query means the same in every front end. A
 *   leading `(?i)` (RE2's case-insensitive flag, common in PromQL) becomes the JavaScript `i` flag.
 *
 * A series' effective labels (`effectiveLabels`) are its agent's heartbeat labels, overridden by the
 * series' own labels on a name clash, plus the reserved `agent` = agent id.
 */

export type MatchOp = 'EQ' | 'NEQ' | 'REGEX' | 'NOT_REGEX';

export interface LabelMatcher {
  name: string;
  /** EQ when omitted. */
  op?: MatchOp;
  value: string;
}

export interface LabelPair {
  name: string;
  value: string;
}

/** Label value by name; undefined (missing) reads as "". */
export type LabelLookup = (name: string) => string | undefined;

/** The label carrying the agent id in effective labels; it wins over heartbeat and series labels. */
export const AGENT_LABEL = 'agent';

export const LABEL_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;

/** A matcher that cannot be compiled; `index` is its position in the query's list. */
export class InvalidMatcher extends Error {
  override readonly name = 'InvalidMatcher';
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

const OPS: ReadonlySet<string> = new Set<MatchOp>(['EQ', 'NEQ', 'REGEX', 'NOT_REGEX']);

/**
 * Compiles `matchers` into one predicate (all must match; an empty list matches everything).
 * Equal regexes within the list compile once; nothing is cached beyond the returned predicate.
 * Throws InvalidMatcher for a bad name, op or regex.
 */
export function compileMatchers(matchers: readonly LabelMatcher[]): (lookup: LabelLookup) => boolean {
  const regexes = new Map<string, RegExp>();
  const tests = matchers.map((m, index): ((lookup: LabelLookup) => boolean) => {
    if (typeof m.name !== 'string' || !LABEL_NAME_PATTERN.test(m.name)) {
      throw new InvalidMatcher(index, `matchers[${index}].name: invalid label name ${JSON.stringify(m.name)}: must match ${LABEL_NAME_PATTERN.source}`);
    }
    const op = m.op ?? 'EQ';
    if (!OPS.has(op)) throw new InvalidMatcher(index, `matchers[${index}].op: unknown operator ${JSON.stringify(op)}`);
    if (typeof m.value !== 'string') throw new InvalidMatcher(index, `matchers[${index}].value: must be a string`);
    const { name, value } = m;
    switch (op) {
      case 'EQ':
        return (lookup) => (lookup(name) ?? '') === value;
      case 'NEQ':
        return (lookup) => (lookup(name) ?? '') !== value;
      default: {
        let re = regexes.get(value);
        if (re === undefined) {
          re = compileRegex(value, index);
          regexes.set(value, re);
        }
        const compiled = re;
        return op === 'REGEX' ? (lookup) => compiled.test(lookup(name) ?? '') : (lookup) => !compiled.test(lookup(name) ?? '');
      }
    }
  });
  return (lookup) => {
    for (let i = 0; i < tests.length; i++) if (!tests[i](lookup)) return false;
    return true;
  };
}

/** The anchored RegExp for a matcher value; throws InvalidMatcher naming `matchers[index].value`. */
export function compileRegex(pattern: string, index: number): RegExp {
  const fail = (reason: string): never => {
    throw new InvalidMatcher(index, `matchers[${index}].value: invalid regex ${JSON.stringify(pattern)}: ${reason}`);
  };
  let body = pattern;
  let flags = 'u';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags += 'i';
  }
  const unsupported = unsupportedConstruct(body);
  if (unsupported !== undefined) fail(`${unsupported} is not supported (RE2 syntax)`);
  try {
    // The 'u' flag: code points as RE2 reads UTF-8, and unknown escapes are errors instead of literals.
    return new RegExp(`^(?:${body})$`, flags);
  } catch (e) {
    return fail(e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(e));
  }
}

/** The first construct of `pattern` that RE2 lacks, or undefined. Skips escapes and character classes. */
function unsupportedConstruct(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && next >= '1' && next <= '9') return `backreference \\${next}`;
      if (!inClass && next === 'k' && pattern[i + 2] === '<') return 'named backreference \\k<...>';
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal in RE2; JavaScript reads '[]' as an empty class, so the regex compile decides.
    } else if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=')) return 'lookahead (?=';
      if (rest.startsWith('!')) return 'negative lookahead (?!';
      if (rest === '<=') return 'lookbehind (?<=';
      if (rest === '<!') return 'negative lookbehind (?<!';
    }
  }
  return undefined;
}

/** Effective labels: agent heartbeat labels, then the series' own labels (they win a clash), then `agent` = agent id. */
export function effectiveLabels(agentId: string, agentLabels: readonly LabelPair[] | undefined, seriesLabels: readonly LabelPair[]): Map<string, string> {
  const labels = new Map<string, string>();
  if (agentLabels !== undefined) for (const l of agentLabels) labels.set(l.name, l.value);
  for (const l of seriesLabels) labels.set(l.name, l.value);
  labels.set(AGENT_LABEL, agentId);
  return labels;
}
