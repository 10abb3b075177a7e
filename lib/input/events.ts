import { ConfigError } from '../errors.js';
import { parseJson } from './jsonText.js';
import {
  checkCount, checkDepth, ENVELOPE_KEYS, isObject, parsePayload, payloadSchema, typeName,
  type EventPayload, type JsonObject, type Parsed, type RunRequest, type Trigger,
} from './payload.js';
import { preview } from './values.js';

export type { EventPayload, RunRequest, Trigger } from './payload.js';

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
 * No event (undefined, null or a blank string) is an empty payload: the configuration alone.
 * @param fallbackTrigger the trigger of a bare payload (default `manual`).
 * @throws ConfigError naming the field at fault (e.g. `event.jobIds[3]`).
 */
export function normaliseEvent(event: unknown, fallbackTrigger: Trigger = 'manual'): RunRequest {
  // `serverless invoke local` without -p or --data hands the handler "": no event, so the
  // configuration runs, as a schedule's would.
  if (event === undefined || event === null || (typeof event === 'string' && event.trim() === '')) return { trigger: fallbackTrigger, payload: {} };
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
