import type { JobOutcome, ObservedTask } from './outcomes.js';
import { NEVER_RETRY_STATUSES, NON_FAILED_STATUSES, NOT_FOUND_CODES, isFailedStatus } from './taskStatuses.js';

/** What to do with one task, decided from its status before anything is sent. */
export type Decision =
  | { action: 'retry' }
  /** Settled without a retry: skipped, needs_attention or not_found. */
  | { action: 'settle'; outcome: Omit<JobOutcome, 'jobId'> };

/**
 * Decides from the status read alone. Order matters: an unknown task first, then the
 * dual-active parent and the never-retry statuses (safety beats configuration), then the
 * configured retry set, then everything else is left alone.
 */
export function classifyTask(task: ObservedTask | undefined, retryStatuses: ReadonlySet<string>): Decision {
  if (task === undefined || task.status === undefined || (task.errorCode && NOT_FOUND_CODES.has(task.errorCode))) {
    return settle({
      outcome: 'not_found',
      errorCode: task?.errorCode,
      errorMessage: task?.errorMessage,
      reason: 'DRS does not know this task, or it was deleted',
    });
  }
  const { status } = task;
  const detail = { status, errorCode: task.errorCode, errorMessage: task.errorMessage };
  if (task.isDualActiveParent && (isFailedStatus(status) || !NON_FAILED_STATUSES.has(status))) {
    return settle({
      ...detail,
      outcome: 'needs_attention',
      reason: 'dual-active parent task: DRS only retries its child tasks; list the failed children as jobs, or act in the console',
    });
  }
  if (NEVER_RETRY_STATUSES.has(status)) {
    return settle({ ...detail, outcome: 'needs_attention', reason: `${status} must never be retried automatically; a person must act` });
  }
  if (retryStatuses.has(status)) return { action: 'retry' };
  if (isFailedStatus(status)) {
    return settle({
      ...detail,
      outcome: 'needs_attention',
      reason: `${status} is not in DRS_RETRY_STATUSES; retry it by hand or add it there`,
    });
  }
  if (task.isDualActiveParent) {
    return settle({ ...detail, outcome: 'skipped', reason: 'dual-active parent task, not failed' });
  }
  if (NON_FAILED_STATUSES.has(status)) {
    return settle({ ...detail, outcome: 'skipped', reason: 'not in a failed status' });
  }
  return settle({ ...detail, outcome: 'skipped', reason: `unknown DRS status "${status}": left alone` });
}

const settle = (outcome: Omit<JobOutcome, 'jobId'>): Decision => ({ action: 'settle', outcome: dropUndefined(outcome) });

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
