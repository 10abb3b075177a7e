/** Outcome of reading a body as JSON; `ok: false` for an empty or non-JSON body. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false };

/** Parses a raw body; never throws, because a bad body is an answer, not a crash. */
export function parseJsonBody(raw: Buffer): ParsedBody {
  if (raw.length === 0) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}
