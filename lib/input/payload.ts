// zod's mini API: the same validation core as `zod`, but tree-shakable, so the bundle carries
// only the handful of schema types used here (about 17 KB instead of 450 KB).
import * as z from 'zod/mini';
import { check, checkInteger, checkJobId, LIMITS, preview, projectId, region, retryStatuses } from './values.js';
import { TRIGGERS, type Trigger } from '../core/report.js';
import { ConfigError } from '../errors.js';

export type { Trigger } from '../core/report.js';

/** The fields of README "Event payload", validated (all optional). */
export interface EventPayload {
  /** From `jobIds` and/or the DRS shape `jobs[].job_id`: de-duplicated, first-seen order. */
  jobIds?: string[];
  dryRun?: boolean;
  discover?: boolean;
  projectId?: string;
  region?: string;
  retryStatuses?: string[];
  batchSize?: number;
  concurrency?: number;
}

/** A trigger of any shape, reduced to what the run needs. */
export interface RunRequest {
  trigger: Trigger;
  payload: EventPayload;
}

// Strict, so a typo such as "dryrun" is an error instead of a silent real retry.
export const payloadSchema = z.strictObject({
  jobIds: z.optional(z.array(z.string())),
  jobs: z.optional(z.array(z.strictObject({ job_id: z.string(), is_sync_re_edit: z.optional(z.boolean()) }))),
  dryRun: z.optional(z.boolean()),
  discover: z.optional(z.boolean()),
  projectId: z.optional(z.string()),
  region: z.optional(z.string()),
  retryStatuses: z.optional(z.array(z.string())),
  batchSize: z.optional(z.number()),
  concurrency: z.optional(z.number()),
  trigger: z.optional(z.enum(TRIGGERS)),
});

// Keys that mark an envelope (SNS/SQS, EventBridge, FunctionGraph timer) rather than a payload.
export const ENVELOPE_KEYS = ['Records', 'detail-type', 'trigger_type', 'user_event'];

/** A payload with the trigger it asks for (its optional `trigger` field). */
export interface Parsed {
  trigger?: Trigger;
  payload: EventPayload;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  boolean: 'a boolean (true or false)', string: 'a string', number: 'a number', array: 'an array', object: 'an object',
};

function pathOf(at: string, path: readonly PropertyKey[]): string {
  return at + path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

// Compares names the way people mistype them: case, "_" and "-".
const squash = (name: string) => name.toLowerCase().replace(/[_-]/g, '');

function issueToError(issue: z.core.$ZodIssue, at: string): ConfigError {
  const where = pathOf(at, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const inJobs = issue.path.length > 0;
    const known = inJobs ? ['job_id', 'is_sync_re_edit'] : Object.keys(payloadSchema.shape);
    const key = issue.keys[0] ?? '';
    const guess = known.find((name) => squash(name) === squash(key));
    const hint = guess === undefined ? 'fix the spelling or remove it' : `did you mean "${guess}"?`;
    return new ConfigError(`${where} has unknown field ${preview(key)}: ${hint} (known fields: ${known.join(', ')})`, {
      field: `${where}.${key}`,
    });
  }
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    const got = 'input' in issue && issue.input !== undefined ? typeName(issue.input) : 'nothing';
    return new ConfigError(`${where} must be ${expected}, got ${got}`, { field: where });
  }
  if (issue.code === 'invalid_value') {
    return new ConfigError(`${where} must be one of ${issue.values.join(', ')} (got ${preview(issue.input)})`, { field: where });
  }
  // Unreachable for this schema (every issue it can raise is handled above); the mini API
  // loads no locale, so the issue code is named instead of a generic message.
  return new ConfigError(`${where} is invalid (${issue.code})`, { field: where });
}

/** Rejects objects nested deeper than LIMITS.eventDepth, breadth-first so a hostile input cannot overflow the stack. */
export function checkDepth(value: unknown, at: string): void {
  const isContainer = (item: unknown): item is object => typeof item === 'object' && item !== null;
  let level = [value].filter(isContainer);
  for (let depth = 1; level.length > 0; depth += 1) {
    if (depth > LIMITS.eventDepth.max) {
      throw new ConfigError(`${at} is nested deeper than ${LIMITS.eventDepth.max} levels; send a flat payload`, { field: at });
    }
    const next: object[] = [];
    for (const item of level) for (const child of Object.values(item)) if (isContainer(child)) next.push(child);
    level = next;
  }
}

export function checkCount(count: number, at: string): void {
  if (count <= LIMITS.jobIds.max) return;
  throw new ConfigError(`${at} holds ${count} job IDs, at most ${LIMITS.jobIds.max} per event; split them over several events`, {
    field: at,
  });
}

/** Validates one payload object found at `at` (e.g. `event.detail`). */
export function parsePayload(value: unknown, at: string): Parsed {
  if (value === undefined || value === null) return { payload: {} };
  if (!isObject(value)) throw new ConfigError(`${at} must be a JSON object (the payload), got ${typeName(value)}`, { field: at });
  if (ENVELOPE_KEYS.some((key) => key in value)) {
    throw new ConfigError(`${at}: event nested too deep; put the payload itself in the envelope, not another envelope`, {
      field: at,
    });
  }
  // Counted first, so an oversized list is refused without walking it.
  for (const key of ['jobIds', 'jobs']) {
    const list = value[key];
    if (Array.isArray(list)) checkCount(list.length, `${at}.${key}`);
  }
  checkDepth(value, at);
  const result = payloadSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    // A misspelt key explains a "missing" one better than the other way round.
    const { issues } = result.error;
    const issue = issues.find((each) => each.code === 'unrecognized_keys') ?? issues[0];
    throw issue === undefined ? new ConfigError(`${at} is invalid`, { field: at }) : issueToError(issue, at);
  }
  const data = result.data;
  const ids = new Set<string>();
  data.jobIds?.forEach((id, i) => ids.add(checkJobId(id, `${at}.jobIds[${i}]`)));
  data.jobs?.forEach((job, i) => ids.add(checkJobId(job.job_id, `${at}.jobs[${i}].job_id`)));
  const payload: EventPayload = {};
  if (data.jobIds !== undefined || data.jobs !== undefined) payload.jobIds = [...ids];
  if (data.dryRun !== undefined) payload.dryRun = data.dryRun;
  if (data.discover !== undefined) payload.discover = data.discover;
  if (data.projectId !== undefined) payload.projectId = check(projectId, data.projectId, `${at}.projectId`);
  if (data.region !== undefined) payload.region = check(region, data.region, `${at}.region`);
  if (data.retryStatuses !== undefined) payload.retryStatuses = check(retryStatuses, data.retryStatuses, `${at}.retryStatuses`);
  if (data.batchSize !== undefined) payload.batchSize = checkInteger(data.batchSize, `${at}.batchSize`, LIMITS.batchSize);
  if (data.concurrency !== undefined) payload.concurrency = checkInteger(data.concurrency, `${at}.concurrency`, LIMITS.concurrency);
  return data.trigger === undefined ? { payload } : { trigger: data.trigger, payload };
}
