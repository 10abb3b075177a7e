import { ApiError, AuthError, DrsAutoRetryError } from '../errors.js';
import { clipLine } from './reportParts.js';
import type { SinkName } from './sink.js';

export { SinkError } from './sinkError.js';

/** The HTTP operation of each sink, as its errors name it. */
export const SINK_OPERATIONS: Readonly<Record<SinkName, string>> = {
  webhook: 'webhook POST',
  slack: 'Slack webhook',
  teams: 'Teams webhook',
  smn: 'SMN publish',
};

const OWN_OPERATIONS = new Set(Object.values(SINK_OPERATIONS));
const MAX_DETAIL = 200;

function describeApiError(error: ApiError): string {
  const tries = error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
  let what: string;
  if (error.status === 0) {
    // The transport code is all that is kept of a network failure: its message could name the URL.
    const code = error.apiCode ?? 'network error';
    what = code === 'ETIMEDOUT' ? 'timed out' : `no answer (${code})`;
  } else if (error.apiCode !== undefined && !/^HTTP_/.test(error.apiCode)) {
    what = clipLine([error.apiCode, error.apiMessage].filter(Boolean).join(' '), MAX_DETAIL);
  } else {
    what = `HTTP ${error.status}`;
  }
  // A failure of a call the sink needed first (say, the IAM token) says which call it was.
  const prefix = OWN_OPERATIONS.has(error.operation) ? '' : `${error.operation}: `;
  return `${prefix}${what}${tries}`;
}

/**
 * The `error` of a failed NotificationResult: short, and built only from fields known to be
 * secret-free (status, API code and message, attempts). Never an URL, a header or a body.
 */
export function describeSinkFailure(error: unknown): string {
  try {
    if (error instanceof ApiError) return describeApiError(error);
    if (error instanceof AuthError && error.cause instanceof ApiError) return describeApiError(error.cause);
    // The tool's own errors are written to be shown to users, and never carry a secret.
    if (error instanceof DrsAutoRetryError) return clipLine(error.message, MAX_DETAIL);
    return `unexpected ${error instanceof Error ? error.name : 'error'}`;
  } catch {
    return 'unexpected error';
  }
}
