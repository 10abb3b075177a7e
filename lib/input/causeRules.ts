/**
 * DRS_CAUSE_RULES (README "Why did it fail?"): the operator's changes to the failure-cause rules,
 * without a release. The value is a JSON array, inline, or `@path` to a file holding it (the CLI):
 *
 *   [
 *     { "id": "disk-full", "retry": true },                        change a default rule: only the
 *                                                                    fields given change
 *     { "id": "unknown", "retry": false,                           what matches no rule: retry, hint, doc
 *       "hint": "Unrecognised: page the DBA on call." },
 *     { "id": "vendor-timeout", "match": ["Read timed out"],       a new rule: match and/or pattern,
 *       "retry": true, "hint": "The source answered too slowly." },  retry and hint are required
 *     { "id": "ddl-lock", "pattern": ["Waiting for table metadata lock.*ALTER"],
 *       "retry": false, "hint": "Finish the ALTER on the destination, then resume.",
 *       "doc": "https://wiki.example.com/runbooks/drs-ddl-lock" }
 *   ]
 *
 * Fields: `id` (lower-case letters, digits, "-"), `match` (a string or strings: case-insensitive
 * pieces of DRS's text), `pattern` (a string or strings: case-insensitive JavaScript regular
 * expressions), `retry` (boolean), `hint` (one sentence), `doc` (an https link for the messages).
 * An entry naming a default rule (or `unknown`) changes it; any other id is a new rule. The rules
 * listed here are tried before the defaults, in the order written (lib/core/causeRuleSet.ts).
 * Every mistake is a ConfigError (exit 2) naming the variable and the field, e.g.
 * `DRS_CAUSE_RULES[1].pattern[0]`.
 */
import * as z from 'zod/mini';
import { buildCauseRules, compilePattern, DEFAULT_RULES, type CauseRuleOverride, type CauseRules } from '../core/causeRuleSet.js';
import { DEFAULT_CAUSE_RULES, UNKNOWN_CAUSE_ID } from '../core/failureCauses.js';
import { ConfigError, messageOf } from '../errors.js';
import { parseJson } from './jsonText.js';
import { isObject, typeName } from './payload.js';
import { preview } from './values.js';

/** The variable's name, as every message says it. */
export const CAUSE_RULES_VARIABLE = 'DRS_CAUSE_RULES';

/** Bounds that keep one operator rule from costing a run its time or a message its room. */
export const CAUSE_RULE_LIMITS = { rules: 200, idChars: 63, matchChars: 200, minMatchChars: 3, patternChars: 500, hintChars: 300 } as const;

const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const FIELDS = ['id', 'match', 'pattern', 'retry', 'hint', 'doc'] as const;

const oneOrMore = z.union([z.string(), z.array(z.string())]);
// Strict: a misspelt field ("hnit") must be an error, not a rule that silently lacks its hint.
const entrySchema = z.strictObject({
  id: z.string(),
  match: z.optional(oneOrMore),
  pattern: z.optional(oneOrMore),
  retry: z.optional(z.boolean()),
  hint: z.optional(z.string()),
  doc: z.optional(z.string()),
});
const rulesSchema = z.array(entrySchema);

const EXPECTED: Record<string, string> = { boolean: 'true or false', string: 'a string', array: 'an array', object: 'an object' };

const pathOf = (at: string, path: readonly PropertyKey[]) =>
  at + path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');

// Compares names the way people mistype them: case, "_" and "-", and one or two letters off.
const squash = (name: string) => name.toLowerCase().replace(/[_-]/g, '');

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known name `name` was probably meant to be, if any. */
function guessOf(name: string, known: Iterable<string>): string | undefined {
  const candidates = [...known];
  return candidates.find((each) => squash(each) === squash(name))
    ?? candidates.find((each) => editDistance(squash(each), squash(name)) <= (each.length >= 4 ? 2 : 1));
}

function issueToError(issue: z.core.$ZodIssue, at: string): ConfigError {
  const where = pathOf(at, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const guess = guessOf(key, FIELDS);
    const fix = guess === undefined ? 'remove it or fix its spelling' : `did you mean "${guess}"?`;
    return new ConfigError(`${where} has unknown field ${preview(key)}: ${fix} (fields: ${FIELDS.join(', ')})`, { field: `${where}.${key}` });
  }
  if (issue.code === 'invalid_union') {
    return new ConfigError(`${where} must be a string or an array of strings, got ${typeName(issue.input)}`, { field: where });
  }
  if (issue.code === 'invalid_type') {
    const got = issue.input === undefined ? 'nothing' : typeName(issue.input);
    const what = where === at ? `a JSON array of rules, such as [{"id":"disk-full","retry":true}]` : (EXPECTED[issue.expected] ?? issue.expected);
    return new ConfigError(`${where} must be ${what}, got ${got}`, { field: where });
  }
  return new ConfigError(`${where} is invalid (${issue.code})`, { field: where });
}

const list = (value: string | string[] | undefined) => (value === undefined ? undefined : typeof value === 'string' ? [value] : value);

function fail(message: string, field: string): never {
  throw new ConfigError(message, { field });
}

function checkPieces(pieces: readonly string[] | undefined, where: string): void {
  pieces?.forEach((piece, i) => {
    const at = `${where}[${i}]`;
    const length = piece.trim().length;
    if (length < CAUSE_RULE_LIMITS.minMatchChars || piece.length > CAUSE_RULE_LIMITS.matchChars) {
      fail(`${at} must be ${CAUSE_RULE_LIMITS.minMatchChars} to ${CAUSE_RULE_LIMITS.matchChars} characters of DRS's text (got ${preview(piece)}); a shorter piece would match almost any failure`, at);
    }
  });
}

function checkPatterns(patterns: readonly string[] | undefined, where: string): void {
  patterns?.forEach((source, i) => {
    const at = `${where}[${i}]`;
    if (source.length > CAUSE_RULE_LIMITS.patternChars) fail(`${at} is longer than ${CAUSE_RULE_LIMITS.patternChars} characters; split it into several patterns`, at);
    let compiled: RegExp;
    try {
      compiled = compilePattern(source);
    } catch (error) {
      throw new ConfigError(`${at} is not a valid regular expression: ${messageOf(error)}`, { field: at, cause: error });
    }
    // A pattern that matches an empty text matches every text, and would overrule every default rule.
    if (compiled.test('')) fail(`${at} matches any text (${preview(source)}); to change what no rule matches, use {"id":"unknown",…}`, at);
  });
}

function checkEntry(entry: z.infer<typeof entrySchema>, where: string, known: ReadonlySet<string>): CauseRuleOverride {
  const { id } = entry;
  if (!ID_PATTERN.test(id) || id.length > CAUSE_RULE_LIMITS.idChars) {
    const guess = guessOf(id, known);
    fail(`${where}.id must be lower-case letters, digits and "-", at most ${CAUSE_RULE_LIMITS.idChars} characters (got ${preview(id)})`
      + (guess === undefined ? '' : `; did you mean "${guess}"?`), `${where}.id`);
  }
  const match = list(entry.match);
  const pattern = list(entry.pattern);
  checkPieces(match, `${where}.match`);
  checkPatterns(pattern, `${where}.pattern`);
  if (entry.hint !== undefined && (entry.hint.trim() === '' || entry.hint.length > CAUSE_RULE_LIMITS.hintChars || /[\r\n]/.test(entry.hint))) {
    fail(`${where}.hint must be one line of 1 to ${CAUSE_RULE_LIMITS.hintChars} characters: what a person does`, `${where}.hint`);
  }
  if (entry.doc !== undefined && !(URL.canParse(entry.doc) && new URL(entry.doc).protocol === 'https:')) {
    fail(`${where}.doc must be an https:// link (got ${preview(entry.doc)})`, `${where}.doc`);
  }
  if (id === UNKNOWN_CAUSE_ID) {
    if (match !== undefined || pattern !== undefined) {
      fail(`${where} changes "unknown", which is what matches no rule: give it retry, hint or doc, not match or pattern`, `${where}.${match !== undefined ? 'match' : 'pattern'}`);
    }
  } else if (!known.has(id)) {
    const guess = guessOf(id, known);
    const missing = [match === undefined && pattern === undefined ? '"match" or "pattern"' : '', entry.retry === undefined ? '"retry"' : '', entry.hint === undefined ? '"hint"' : ''].filter(Boolean);
    if (missing.length > 0) {
      const why = guess === undefined ? `is a new rule, so it needs ${missing.join(', ')}` : `is not a default rule (did you mean "${guess}"?); as a new rule it would need ${missing.join(', ')}`;
      fail(`${where} (${preview(id)}) ${why}`, `${where}.id`);
    }
  }
  if (Object.keys(entry).length === 1) fail(`${where} (${preview(id)}) changes nothing: give retry, hint, match, pattern or doc`, where);
  return {
    id,
    ...(match === undefined ? {} : { match }),
    ...(pattern === undefined ? {} : { pattern }),
    ...(entry.retry === undefined ? {} : { retry: entry.retry }),
    ...(entry.hint === undefined ? {} : { hint: entry.hint.trim() }),
    ...(entry.doc === undefined ? {} : { doc: entry.doc }),
  };
}

/**
 * Parses the JSON text of DRS_CAUSE_RULES.
 * @param source how messages name where the text came from: the variable, or the variable and its file.
 * @throws ConfigError naming the variable and the field at fault.
 */
export function parseCauseRules(text: string, source: string = CAUSE_RULES_VARIABLE): CauseRuleOverride[] {
  const value = parseJson(text.replace(/^\uFEFF/, ''), source, CAUSE_RULES_VARIABLE);
  if (Array.isArray(value) && value.length > CAUSE_RULE_LIMITS.rules) {
    fail(`${source} holds ${value.length} rules, at most ${CAUSE_RULE_LIMITS.rules}`, CAUSE_RULES_VARIABLE);
  }
  if (isObject(value) && Array.isArray(value.rules)) {
    fail(`${source} must be the array of rules itself, not an object around it: write [ … ] instead of {"rules": [ … ]}`, CAUSE_RULES_VARIABLE);
  }
  const result = rulesSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const { issues } = result.error;
    const issue = issues.find((each) => each.code === 'unrecognized_keys') ?? issues[0];
    throw issue === undefined ? new ConfigError(`${source} is invalid`, { field: CAUSE_RULES_VARIABLE }) : issueToError(issue, CAUSE_RULES_VARIABLE);
  }
  const known = new Set(DEFAULT_CAUSE_RULES.map((rule) => rule.id));
  const firstAt = new Map<string, number>();
  return result.data.map((entry, i) => {
    const where = `${CAUSE_RULES_VARIABLE}[${i}]`;
    const earlier = firstAt.get(entry.id);
    if (earlier !== undefined) fail(`${where} repeats the id ${preview(entry.id)} of ${CAUSE_RULES_VARIABLE}[${earlier}]; give each rule once`, `${where}.id`);
    firstAt.set(entry.id, i);
    return checkEntry(entry, where, known);
  });
}

/**
 * The value of DRS_CAUSE_RULES as the faces get it: JSON, or `@path` to a file holding it.
 * @param readFile reads the file of the `@path` form (the CLI passes one); without it, `@path`
 *   is refused, because a function's settings cannot point into its own file system.
 * @returns the operator's entries ([] when the variable is unset or blank).
 */
export function readCauseRules(value: string | undefined, readFile?: (path: string) => string): CauseRuleOverride[] {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return [];
  if (!trimmed.startsWith('@')) return parseCauseRules(trimmed);
  const path = trimmed.slice(1).trim();
  if (readFile === undefined) {
    fail(`${CAUSE_RULES_VARIABLE} names a file (${preview(trimmed)}), which only the command line reads; put the JSON itself in the variable`, CAUSE_RULES_VARIABLE);
  }
  if (path === '') fail(`${CAUSE_RULES_VARIABLE} is "@" without a file name; write @path/to/rules.json`, CAUSE_RULES_VARIABLE);
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new ConfigError(`${CAUSE_RULES_VARIABLE} names the file ${preview(path)}, which cannot be read: ${messageOf(error)}`, {
      field: CAUSE_RULES_VARIABLE,
      cause: error,
    });
  }
  return parseCauseRules(text, `${CAUSE_RULES_VARIABLE} (file ${path})`);
}

/** The run's rules: the defaults changed by DRS_CAUSE_RULES (see readCauseRules). */
export function resolveCauseRules(value: string | undefined, readFile?: (path: string) => string): CauseRules {
  const overrides = readCauseRules(value, readFile);
  return overrides.length === 0 ? DEFAULT_RULES : buildCauseRules(overrides);
}
