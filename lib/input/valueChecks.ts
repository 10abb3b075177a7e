/**
 * The value checks shared by the configuration (env, CLI) and the event normaliser, with every
 * numeric limit of the tool in one place. Each failure is a ConfigError that names the field
 * and the fix.
 */
import { ConfigError } from '../errors.js';
import { NEVER_RETRY_STATUSES, RETRYABLE_STATUSES } from '../core/taskStatuses.js';

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

export const JOB_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
export const REGION_PATTERN = /^[a-z]{2,}-[a-z0-9]+(-[a-z0-9]+)*$/;
export const PROJECT_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/** A value for an error message: JSON-escaped, so control characters show, and cut to 60 characters. */
export function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Returns `id` if it is a well-formed DRS job ID; `where` names it in the message (default: `field`). */
export function checkJobId(id: string, field: string, where = field): string {
  if (JOB_ID_PATTERN.test(id)) return id;
  throw new ConfigError(
    `${where} is not a valid DRS job ID: ${preview(id)}; a job ID is 1 to 128 letters, digits, "-" or "_", starting with a letter or digit`,
    { field },
  );
}

/** Validates the statuses to retry; returns them upper-cased and de-duplicated. */
export function checkRetryStatuses(names: readonly string[], field: string): string[] {
  const allowed = RETRYABLE_STATUSES;
  const result = new Set<string>();
  for (const raw of names) {
    const name = raw.trim().toUpperCase();
    if (name === '') continue; // a trailing comma in the variable
    if (NEVER_RETRY_STATUSES.has(name)) {
      throw new ConfigError(
        `${field} names ${name}, but CREATE_FAILED and RELEASE_RESOURCE_FAILED must never be retried (a person has to act); remove it`,
        { field },
      );
    }
    if (!allowed.includes(name)) throw new ConfigError(`${field} has unknown status ${preview(raw)}; allowed: ${allowed.join(', ')}`, { field });
    result.add(name);
  }
  if (result.size === 0) throw new ConfigError(`${field} is empty; name at least one of: ${allowed.join(', ')}`, { field });
  return [...result];
}

export function checkRegion(value: string, field: string): string {
  if (REGION_PATTERN.test(value)) return value;
  throw new ConfigError(`${field} is not a region name: ${preview(value)}; use a name such as eu-de or eu-nl`, { field });
}

export function checkProjectId(value: string, field: string): string {
  if (PROJECT_ID_PATTERN.test(value)) return value;
  throw new ConfigError(`${field} is not a project ID: ${preview(value)}; use the ID from the console (letters, digits, "-")`, { field });
}

/** Returns `value` if it is a whole number within `limit`; `shown` is what the message quotes. */
export function checkInteger(value: number, field: string, limit: Limit, shown: unknown = value): number {
  if (Number.isInteger(value) && value >= limit.min && value <= limit.max) return value;
  throw new ConfigError(`${field} must be a whole number from ${limit.min} to ${limit.max} (got ${preview(shown)})`, { field });
}
