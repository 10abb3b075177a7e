/**
 * DRS task statuses (API reference, "Task Statuses") and what this tool may do with each.
 * Anything not listed here is an unknown status: reported, never treated as failed.
 */

/** Every status a failed task can be in. */
export const FAILED_STATUSES = [
  'CREATE_FAILED',
  'START_JOB_FAILED',
  'FULL_TRANSFER_FAILED',
  'INCRE_TRANSFER_FAILED',
  'RELEASE_RESOURCE_FAILED',
  'CHANGE_JOB_FAILED',
  'CHILD_TRANSFER_FAILED',
] as const;

/** Failed statuses that must never be retried: a person must look (README "What happens to each job"). */
export const NEVER_RETRY_STATUSES: ReadonlySet<string> = new Set(['CREATE_FAILED', 'RELEASE_RESOURCE_FAILED']);

/** Failed statuses that DRS_RETRY_STATUSES may list (the safe defaults first). */
export const RETRYABLE_STATUSES: readonly string[] = [
  'FULL_TRANSFER_FAILED',
  'INCRE_TRANSFER_FAILED',
  'CHILD_TRANSFER_FAILED',
  'START_JOB_FAILED',
  'CHANGE_JOB_FAILED',
];

/** The safe default: transfers that broke off, e.g. on a network blip. */
export const DEFAULT_RETRY_STATUSES = ['FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED'] as const;

/** Healthy, running, finished or transitional statuses: nothing to do. */
export const NON_FAILED_STATUSES: ReadonlySet<string> = new Set([
  'CREATING',
  'CONFIGURATION',
  'STARTJOBING',
  'WAITING_FOR_START',
  'PAUSING',
  // The list API's spelling of PAUSING.
  'PAUSEING',
  'FULL_TRANSFER_STARTED',
  'FULL_TRANSFER_COMPLETE',
  'INCRE_TRANSFER_STARTED',
  'RELEASE_RESOURCE_STARTED',
  'RELEASE_RESOURCE_COMPLETE',
  'CHANGE_JOB_STARTED',
  'CHILD_TRANSFER_STARTING',
  'CHILD_TRANSFER_STARTED',
  'CHILD_TRANSFER_COMPLETE',
  'RELEASE_CHILD_TRANSFER_STARTED',
  'RELEASE_CHILD_TRANSFER_COMPLETE',
]);

const FAILED: ReadonlySet<string> = new Set(FAILED_STATUSES);

export const isFailedStatus = (status: string | undefined): boolean => status !== undefined && FAILED.has(status);

/** DRS error codes that mean "no such task" (unknown, deleted or released). */
export const NOT_FOUND_CODES: ReadonlySet<string> = new Set(['DRS.M05003', 'DRS.M05004', 'DRS.M00289']);
