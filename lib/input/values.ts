/**
 * The kinds of value the tool takes, as zod types shared by the settings (environment, user
 * data), the event payload and the CLI flags, with every numeric limit in one place. A type's
 * messages are what follows the name of the field at fault, so one rule reads the same whether
 * it is `DRS_BATCH_SIZE`, `event.batchSize` or `--batch-size` that breaks it.
 */
// zod's mini API: the same validation core as `zod`, but tree-shakable, so the bundle carries
// only the schema types used here.
import * as z from 'zod/mini';
import { NEVER_RETRY_STATUSES, RETRYABLE_STATUSES } from '../core/taskStatuses.js';
import { ConfigError } from '../errors.js';

/** An inclusive whole-number range, with the value used when nothing is set. */
export interface Limit {
  min: number;
  max: number;
  default?: number;
}

/** Every numeric default and bound of the tool, in one place. */
export const LIMITS = {
  batchSize: { min: 1, max: 100, default: 10 },
  concurrency: { min: 1, max: 20, default: 2 },
  timeoutMs: { min: 100, max: 300_000, default: 10_000 },
  deadlineMs: { min: 1_000, max: 86_400_000 },
  /** Unique job IDs per run, and per event. */
  jobIds: { min: 0, max: 100_000 },
  /** Nesting of an event object; the real envelopes need at most 6. */
  eventDepth: { min: 1, max: 8 },
  /** Retries per job and failure episode (DRS itself already tried three times). */
  maxAttempts: { min: 1, max: 100, default: 3 },
  /** The first minimum interval between attempts: 15 minutes, one schedule tick. */
  backoffBaseMs: { min: 1_000, max: 14_400_000, default: 900_000 },
  verifyAfterMs: { min: 1_000, max: 600_000 },
} as const satisfies Record<string, Limit>;

/** A value for an error message: JSON-escaped, so control characters show, and cut to 60 characters. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A zod type whose input is whatever the field holds. */
type ValueType<T> = z.ZodMiniType<T>;

/** A string check whose message (after the field's name) may quote the value. */
function rule(test: (value: string) => boolean, message: (value: string) => string) {
  return z.string().check(z.refine(test, { error: (issue) => message(String(issue.input)) }));
}

export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const JOB_ID_RULE = 'a job ID is 1 to 128 letters, digits, "-" or "_", starting with a letter or digit';
export const jobId = rule((id) => JOB_ID_PATTERN.test(id), (id) => `is not a valid DRS job ID: ${preview(id)}; ${JOB_ID_RULE}`);

export const region = rule(
  (value) => /^[a-z]{2,}-[a-z0-9]+(-[a-z0-9]+)*$/.test(value),
  (value) => `is not a region name: ${preview(value)}; use a name such as eu-de or eu-nl`,
);

export const projectId = rule(
  (value) => /^[A-Za-z0-9-]{1,64}$/.test(value),
  (value) => `is not a project ID: ${preview(value)}; use the ID from the console (letters, digits, "-")`,
);

const outOfRange = (limit: Limit, shown: unknown) => `must be a whole number from ${limit.min} to ${limit.max} (got ${preview(shown)})`;
const inRange = (n: number, limit: Limit) => Number.isInteger(n) && n >= limit.min && n <= limit.max;

/** A whole number within `limit`, as JSON gives it. */
export function wholeNumber(limit: Limit): ValueType<number> {
  return z.number().check(z.refine((n) => inRange(n, limit), { error: (issue) => outOfRange(limit, issue.input) }));
}

/** A whole number within `limit`, written in digits (a variable); "1e3", "0x10" and "1.5" are refused. */
export function wholeNumberText(limit: Limit): ValueType<number> {
  return z.pipe(rule((text) => /^\d{1,15}$/.test(text) && inRange(Number(text), limit), (text) => outOfRange(limit, text)), z.transform(Number));
}

/**
 * The statuses to retry: known retryable ones, upper-cased and de-duplicated. The two that must
 * never be retried are refused by name.
 */
export const retryStatuses = z.pipe(
  z.array(z.string()),
  z.transform((names, context) => {
    const fail = (message: string) => {
      context.issues.push({ code: 'custom', message, input: names });
      return z.NEVER;
    };
    const result = new Set<string>();
    for (const raw of names) {
      const name = raw.trim().toUpperCase();
      if (name === '') continue; // a trailing comma in the variable
      if (NEVER_RETRY_STATUSES.has(name)) {
        return fail(`names ${name}, but CREATE_FAILED and RELEASE_RESOURCE_FAILED must never be retried (a person has to act); remove it`);
      }
      if (!RETRYABLE_STATUSES.includes(name)) return fail(`has unknown status ${preview(raw)}; allowed: ${RETRYABLE_STATUSES.join(', ')}`);
      result.add(name);
    }
    if (result.size === 0) return fail(`is empty; name at least one of: ${RETRYABLE_STATUSES.join(', ')}`);
    return [...result];
  }),
);

/**
 * Parses `value` with `type`, or throws a ConfigError on `field`; the message names `where`
 * (default: `field`). A custom issue may carry the error that caused it in `params.cause`.
 */
export function check<T>(type: ValueType<T>, value: unknown, field: string, where = field): T {
  const result = type.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const cause = issue?.code === 'custom' ? (issue.params as { cause?: unknown } | undefined)?.cause : undefined;
  throw new ConfigError(`${where} ${issue?.message ?? 'is invalid'}`, { field, cause });
}

/** Returns `id` if it is a well-formed DRS job ID; `where` names it in the message (default: `field`). */
export function checkJobId(id: string, field: string, where = field): string {
  return check(jobId, id, field, where);
}

/** Returns `value` if it is a whole number within `limit`; `shown` is what the message quotes. */
export function checkInteger(value: number, field: string, limit: Limit, shown: unknown = value): number {
  if (inRange(value, limit)) return value;
  throw new ConfigError(`${field} ${outOfRange(limit, shown)}`, { field });
}
