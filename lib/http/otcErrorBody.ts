import type { TaskItem } from '../core/outcomes.js';

/** What an OTC error body says, whichever of the documented shapes it came in. */
export interface OtcErrorBody {
  code?: string;
  message?: string;
  /** Per-item results of a DRS batch call, when the answer carries them (also inside a 400). */
  results?: TaskItem[];
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;

/**
 * Parses every error shape the OTC docs show:
 * - DRS and IAM: `{"error_code","error_msg"}`; DRS item lists also use `error_message`;
 * - SMN: `{"request_id","code","message"}`;
 * - Keystone-style IAM: `{"error":{"code","message"}}`;
 * - DRS batch answers: `{"results":[{"id","status","error_code","error_msg"|"error_message"}]}`.
 */
export function parseOtcErrorBody(body: unknown): OtcErrorBody {
  if (!isObject(body)) return {};
  const nested = isObject(body.error) ? body.error : undefined;
  const parsed: OtcErrorBody = {
    code: text(body.error_code) ?? text(body.code) ?? text(nested?.code),
    message: text(body.error_msg) ?? text(body.error_message) ?? text(body.message) ?? text(nested?.message),
  };
  if (Array.isArray(body.results)) parsed.results = parseItemResults(body.results);
  return parsed;
}

/**
 * The top-level `error_code` of an answer, if it has one. DRS may send it with a 2xx (e.g. 202
 * DRS.M01504, error_code.rst), which is then no success. Only `error_code` counts here: SMN's
 * and IAM's success bodies carry other fields, and a webhook may answer anything.
 */
export function topLevelErrorCode(body: unknown): string | undefined {
  return isObject(body) ? text(body.error_code) : undefined;
}

/** Per-item results of batch-status, batch-detail or batch-retry-task, in one typed shape. */
export function parseItemResults(items: unknown[]): TaskItem[] {
  const results: TaskItem[] = [];
  for (const item of items) {
    if (!isObject(item)) continue;
    const id = text(item.id);
    if (id === undefined) continue;
    results.push({
      id,
      status: text(item.status),
      errorCode: text(item.error_code),
      errorMessage: text(item.error_msg) ?? text(item.error_message),
    });
  }
  return results;
}
