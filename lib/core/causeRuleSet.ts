/**
 * The rules a run matches DRS's failure text against: the defaults (failureCauses.ts) merged with
 * the operator's DRS_CAUSE_RULES, and the matching itself.
 *
 * Precedence, deterministic and the same in every run (README "Why did it fail?"):
 * 1. the operator's rules, in the order DRS_CAUSE_RULES lists them, a changed default rule
 *    included (an entry that names a default rule's id changes that rule and moves it here);
 * 2. the default rules that need a person (`retry: false`), in the table's order;
 * 3. the default rules that retry, in the table's order.
 * The first rule that matches decides. Person-before-retry is the safe side: DRS's texts nest
 * (`Unable to connect to DBMS: … Access denied for user …`), and when one text names a transient
 * symptom and a cause that needs a person, resuming cannot help.
 */
import { DEFAULT_CAUSE_RULES, UNKNOWN_CAUSE, UNKNOWN_CAUSE_ID, docOf, type CauseRule, type JobCause } from './failureCauses.js';

/**
 * One entry of DRS_CAUSE_RULES, already validated (lib/input/causeRules.ts): a new rule (an id the
 * defaults do not have; `match` or `pattern`, `retry` and `hint` are then required), or a change of
 * a default rule (only the fields given change), or of `unknown` (`retry` and `hint` only).
 */
export interface CauseRuleOverride {
  id: string;
  match?: readonly string[];
  pattern?: readonly string[];
  retry?: boolean;
  hint?: string;
  /** A page the messages link instead of the default rule's (e.g. the team's own runbook). */
  doc?: string;
}

/** A rule ready to match: its pieces lower-cased, its patterns compiled. */
interface CompiledRule {
  readonly cause: JobCause;
  readonly pieces: readonly string[];
  readonly patterns: readonly RegExp[];
}

/** The merged, compiled rules of a run. Build it once per run with buildCauseRules(). */
export interface CauseRules {
  /** In matching order (see the module comment). */
  readonly rules: readonly CompiledRule[];
  /** The verdict when none matches. */
  readonly unknown: JobCause;
}

/**
 * Only this much of DRS's text is matched: its causes come in the first few hundred characters,
 * and an operator's pattern must not spend a run's time on a megabyte of stack trace.
 */
export const MATCHED_TEXT_MAX_CHARS = 16_384;

/** Compiles a pattern as rules use it (case-insensitive); throws the engine's SyntaxError when invalid. */
export function compilePattern(source: string): RegExp {
  return new RegExp(source, 'i');
}

function causeOf(rule: Pick<CauseRule, 'id' | 'retry' | 'hint' | 'sources'>, doc?: string): JobCause {
  const link = doc ?? docOf(rule);
  return { id: rule.id, retry: rule.retry, hint: rule.hint, ...(link === undefined ? {} : { doc: link }) };
}

function compile(cause: JobCause, match: readonly string[], pattern: readonly string[]): CompiledRule {
  return { cause, pieces: match.map((piece) => piece.toLowerCase()), patterns: pattern.map(compilePattern) };
}

/** A new rule must say what it matches, whether it retries, and what a person does. */
function newRule(entry: CauseRuleOverride): CompiledRule {
  const { id, match = [], pattern = [], retry, hint } = entry;
  if (match.length + pattern.length === 0 || retry === undefined || hint === undefined) {
    throw new TypeError(`Expected the new cause rule \`${id}\` to have match or pattern, retry and hint`);
  }
  return compile({ id, retry, hint, ...(entry.doc === undefined ? {} : { doc: entry.doc }) }, match, pattern);
}

function changedRule(base: CauseRule, entry: CauseRuleOverride): CompiledRule {
  const retry = entry.retry ?? base.retry;
  const hint = entry.hint ?? base.hint;
  return compile(causeOf({ ...base, retry, hint }, entry.doc), entry.match ?? base.match, entry.pattern ?? base.pattern);
}

/**
 * The defaults merged with the operator's entries (none: the defaults alone). Validation with
 * messages for people is the input layer's job; this throws a TypeError only for an entry that
 * cannot be a rule at all (a duplicate id, a new rule without match, retry or hint, a pattern
 * that does not compile, matching pieces for `unknown`).
 */
export function buildCauseRules(overrides: readonly CauseRuleOverride[] = [], defaults: readonly CauseRule[] = DEFAULT_CAUSE_RULES): CauseRules {
  const byId = new Map(defaults.map((rule) => [rule.id, rule]));
  const seen = new Set<string>();
  const operator: CompiledRule[] = [];
  let unknown = UNKNOWN_CAUSE;
  for (const entry of overrides) {
    if (seen.has(entry.id)) throw new TypeError(`Expected each cause rule id once, got \`${entry.id}\` twice`);
    seen.add(entry.id);
    if (entry.id === UNKNOWN_CAUSE_ID) {
      if (entry.match !== undefined || entry.pattern !== undefined) {
        throw new TypeError('Expected the `unknown` cause rule without match or pattern: it is what matches no rule');
      }
      unknown = { ...unknown, retry: entry.retry ?? unknown.retry, hint: entry.hint ?? unknown.hint, ...(entry.doc === undefined ? {} : { doc: entry.doc }) };
      continue;
    }
    const base = byId.get(entry.id);
    operator.push(base === undefined ? newRule(entry) : changedRule(base, entry));
  }
  const untouched = defaults.filter((rule) => !seen.has(rule.id));
  const defaultsInOrder = [...untouched.filter((rule) => !rule.retry), ...untouched.filter((rule) => rule.retry)];
  return {
    rules: [...operator, ...defaultsInOrder.map((rule) => compile(causeOf(rule), rule.match, rule.pattern))],
    unknown,
  };
}

/** The default rules alone, compiled once. */
export const DEFAULT_RULES: CauseRules = buildCauseRules();

/**
 * The cause of one failure: the first rule (in precedence order) whose piece occurs in `text`
 * (ignoring case) or whose pattern matches it; `rules.unknown` when none does or there is no text.
 * Match the raw text (before failureReason() masks and shortens it): the masking never touches a
 * rule's words, and the shortening could cut them off.
 */
export function matchCause(text: string | undefined, rules: CauseRules = DEFAULT_RULES): JobCause {
  if (text === undefined || text.trim() === '') return rules.unknown;
  const window = text.length > MATCHED_TEXT_MAX_CHARS ? text.slice(0, MATCHED_TEXT_MAX_CHARS) : text;
  const lower = window.toLowerCase();
  for (const rule of rules.rules) {
    if (rule.pieces.some((piece) => lower.includes(piece)) || rule.patterns.some((pattern) => pattern.test(window))) return rule.cause;
  }
  return rules.unknown;
}

/** The ids of the rules in matching order (for a dry run's explanation and for tests). */
export function ruleOrder(rules: CauseRules): string[] {
  return rules.rules.map((rule) => rule.cause.id);
}
