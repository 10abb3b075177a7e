// zod's mini API: the same validation core as `zod`, but tree-shakable, so the bundle carries
// only the handful of schema types used here (about 17 KB instead of 450 KB).
import * as z from 'zod/mini';
import { checkInteger, checkJobId, checkProjectId, checkRegion, checkRetryStatuses, LIMITS, preview } from './valueChecks.js';
import { ConfigError } from '../errors.js';

/** Who started the run. */
export type Trigger = 'schedule' | 'event' | 'manual';

/** The fields of CONTRACT §2, validated (all optional). */
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

const TRIGGERS = ['schedule', 'event', 'manual'] as const;

// Strict, so a typo such as "dryrun" is an error instead of a silent real retry.
const payloadSchema = z.strictObject({
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
const ENVELOPE_KEYS = ['Records', 'detail-type', 'trigger_type', 'user_event'];

/** A payload with the trigger it asks for (its optional `trigger` field). */
interface Parsed {
  trigger?: Trigger;
  payload: EventPayload;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
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
function checkDepth(value: unknown, at: string): void {
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

function checkCount(count: number, at: string): void {
  if (count <= LIMITS.jobIds.max) return;
  throw new ConfigError(`${at} holds ${count} job IDs, at most ${LIMITS.jobIds.max} per event; split them over several events`, {
    field: at,
  });
}

/** Validates one payload object found at `at` (e.g. `event.detail`). */
function parsePayload(value: unknown, at: string): Parsed {
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
  if (data.projectId !== undefined) payload.projectId = checkProjectId(data.projectId, `${at}.projectId`);
  if (data.region !== undefined) payload.region = checkRegion(data.region, `${at}.region`);
  if (data.retryStatuses !== undefined) payload.retryStatuses = checkRetryStatuses(data.retryStatuses, `${at}.retryStatuses`);
  if (data.batchSize !== undefined) payload.batchSize = checkInteger(data.batchSize, `${at}.batchSize`, LIMITS.batchSize);
  if (data.concurrency !== undefined) payload.concurrency = checkInteger(data.concurrency, `${at}.concurrency`, LIMITS.concurrency);
  return data.trigger === undefined ? { payload } : { trigger: data.trigger, payload };
}

/** Finds where JSON.parse stopped: Node 20 names no position for some errors, so probe the longest parsable prefix. */
function errorOffset(text: string, message: string): number {
  const stated = /at position (\d+)/.exec(message);
  if (stated?.[1] !== undefined) return Number(stated[1]);
  if (message.includes('Unexpected end')) return text.length;
  const viable = (end: number) => {
    try {
      JSON.parse(text.slice(0, end));
      return true;
    } catch (error) {
      const reason = (error as Error).message;
      const position = /at position (\d+)/.exec(reason)?.[1];
      return reason.includes('Unexpected end') || (position !== undefined && Number(position) >= end);
    }
  };
  let [low, high] = [0, text.length];
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (viable(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** JSON.parse with an error that names `source`, line and column; the engine's own text is cut before its quote of the input. */
function parseJson(text: string, source: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = errorOffset(text, message);
    const before = text.slice(0, offset).split('\n');
    const reason = [...message.replace(/, ".*$/s, '').replace(/ in JSON at position.*$/s, '')]
      .map((char) => (char < ' ' ? JSON.stringify(char).slice(1, -1) : char)).join('');
    throw new ConfigError(
      `${source} is not valid JSON at line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (position ${offset}): ${reason}`,
      { field, cause: error },
    );
  }
}

/** A JSON string inside an envelope (SNS Message, SQS body, detail, user_event); blank means "no payload". */
function parseInner(value: unknown, at: string): Parsed {
  if (typeof value !== 'string') return parsePayload(value, at);
  return value.trim() === '' ? { payload: {} } : parsePayload(parseJson(value, at, at), at);
}

/** Unions jobIds in first-seen order; every other field must agree across the parts. */
function mergeParts(parts: Array<Parsed & { at: string }>): Parsed {
  const merged: Record<string, unknown> = {};
  const firstAt = new Map<string, string>();
  const ids = new Set<string>();
  let hasIds = false;
  for (const { at, trigger, payload } of parts) {
    for (const [key, value] of Object.entries({ ...payload, trigger })) {
      if (value === undefined) continue;
      if (key === 'jobIds') {
        hasIds = true;
        for (const id of value as string[]) ids.add(id);
      } else if (!firstAt.has(key)) {
        merged[key] = value;
        firstAt.set(key, at);
      } else if (JSON.stringify(merged[key]) !== JSON.stringify(value)) {
        throw new ConfigError(`${at}.${key} is ${preview(value)} but ${firstAt.get(key)}.${key} is ${preview(merged[key])}; `
          + 'the records of one event must agree on every field except jobIds', { field: `${at}.${key}` });
      }
    }
  }
  checkCount(ids.size, 'event.Records');
  const { trigger, ...payload } = merged as EventPayload & { trigger?: Trigger };
  if (hasIds) payload.jobIds = [...ids];
  return trigger === undefined ? { payload } : { trigger, payload };
}

function fromRecords(records: unknown): Parsed {
  if (!Array.isArray(records) || records.length === 0) {
    throw new ConfigError('event.Records must be a non-empty array of SNS or SQS records', { field: 'event.Records' });
  }
  return mergeParts(records.map((record: unknown, i) => {
    const at = `event.Records[${i}]`;
    if (isObject(record) && isObject(record.Sns)) return { at: `${at}.Sns.Message`, ...parseInner(record.Sns.Message, `${at}.Sns.Message`) };
    if (isObject(record) && record.eventSource === 'aws:sqs') return { at: `${at}.body`, ...parseInner(record.body, `${at}.body`) };
    const source = isObject(record) ? preview(record.eventSource ?? record.EventSource) : typeName(record);
    throw new ConfigError(`${at} is not an SNS or SQS record (source ${source}); only SNS and SQS records are accepted`, { field: at });
  }));
}

function fromTimer(event: JsonObject): Parsed {
  if (event.trigger_type !== 'TIMER') {
    throw new ConfigError(`event.trigger_type ${preview(event.trigger_type)} is not supported; use a FunctionGraph TIMER trigger`, {
      field: 'event.trigger_type',
    });
  }
  if (event.user_event !== undefined && typeof event.user_event !== 'string') {
    throw new ConfigError(`event.user_event must be a string holding the JSON payload, got ${typeName(event.user_event)}`, {
      field: 'event.user_event',
    });
  }
  return parseInner(event.user_event, 'event.user_event');
}

/**
 * Reduces any trigger shape to a RunRequest: a plain payload, the DRS `{"jobs":[…]}` shape, an EventBridge
 * event, SNS or SQS records, or a FunctionGraph timer. A payload's own `trigger` field overrides the detected one.
 * @param fallbackTrigger the trigger of a bare payload (default `manual`).
 * @throws ConfigError naming the field at fault (e.g. `event.jobIds[3]`).
 */
export function normaliseEvent(event: unknown, fallbackTrigger: Trigger = 'manual'): RunRequest {
  if (event === undefined || event === null) return { trigger: fallbackTrigger, payload: {} };
  if (!isObject(event)) throw new ConfigError(`event must be a JSON object, got ${typeName(event)}`, { field: 'event' });
  if (!ENVELOPE_KEYS.some((key) => key in event)) {
    const parsed = parsePayload(event, 'event');
    return { trigger: parsed.trigger ?? fallbackTrigger, payload: parsed.payload };
  }
  checkDepth(event, 'event');
  // A payload field beside the envelope would be silently ignored: a stray "dryRun" must not mean a real retry.
  // `region` is exempt: EventBridge sets it to the AWS region.
  const stray = Object.keys(payloadSchema.shape).find((key) => key in event && key !== 'region');
  if (stray !== undefined) {
    throw new ConfigError(`event.${stray} sits on the envelope, where it has no effect; move it into the payload it wraps`, {
      field: `event.${stray}`,
    });
  }
  let detected: Trigger = 'event';
  let parsed: Parsed;
  if ('Records' in event) {
    parsed = fromRecords(event.Records);
  } else if ('detail-type' in event) {
    detected = event['detail-type'] === 'Scheduled Event' ? 'schedule' : 'event';
    parsed = parseInner(event.detail, 'event.detail');
  } else {
    detected = 'schedule';
    parsed = fromTimer(event);
  }
  return { trigger: parsed.trigger ?? detected, payload: parsed.payload };
}

/**
 * Parses the CLI's `--event FILE|-` text and normalises it.
 * @param source the file name or `stdin`, named in every error.
 */
export function parseEventJson(text: string, source: string): RunRequest {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new ConfigError(`${source} is empty; give a JSON object such as {} or {"jobIds":["…"]}`, { field: 'event' });
  const value = parseJson(body, source, 'event');
  try {
    return normaliseEvent(value);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`${source}: ${error.message}`, { field: error.field, cause: error });
  }
}
