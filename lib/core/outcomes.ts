import type { JobCause } from './failureCauses.js';

/**
 * What happened to each job: the outcome vocabulary of the report (README "What happens to each job"). Every
 * requested job ends with exactly one of these.
 */
export const OUTCOMES = [
  'retried',
  'retry_failed',
  'would_retry',
  'skipped',
  'needs_attention',
  'not_found',
  'deferred',
] as const;

/** One of the seven definite outcomes. */
export type Outcome = (typeof OUTCOMES)[number];

/** A job's line in the report. */
export interface JobOutcome {
  jobId: string;
  /** The task's name, as batch-detail reported it. */
  name?: string;
  /** The task's scenario as DRS names it (`db_use_type`): `migration`, `sync` or `cloudDataGuard` (DR). */
  type?: string;
  outcome: Outcome;
  /** The task status read before any retry, when DRS reported one. */
  status?: string;
  /** DRS's error code for this job (from the status read or the retry answer). */
  errorCode?: string;
  errorMessage?: string;
  /** Why this outcome, in words, when the outcome alone does not say it. */
  reason?: string;
  /** Post-retry verification (DRS_VERIFY_AFTER_MS): false when the task failed again. */
  verified?: boolean;
  /** The status verification saw after the retry. */
  statusAfter?: string;
  /** True in the one run that found this job's retry budget spent: a person must act now. */
  escalated?: boolean;
  /** DRS's own text of why the task failed, credentials masked and length bounded (failureText.ts). */
  failureReason?: string;
  /** The failure-cause rule that text matched (README "Why did it fail?"). */
  cause?: JobCause;
}

/** Outcomes that need nobody: the run is a success (exit 0) when every job ends in one. */
export const SUCCESSFUL_OUTCOMES: ReadonlySet<Outcome> = new Set(['retried', 'would_retry', 'skipped']);

/**
 * One task in a DRS answer: its status read (batch-detail), or its answer to a retry
 * (batch-retry-task, `status` is `success` or `failed`). `status` is absent when DRS does not
 * know the id.
 */
export interface TaskItem {
  id: string;
  status?: string;
  errorCode?: string;
  errorMessage?: string;
}

/** What the engine knows about a task after the read phase (core's view, not the wire's). */
export interface ObservedTask extends TaskItem {
  /** A dual-active parent: its children are the retry targets, never itself. */
  isDualActiveParent: boolean;
}

/** What batch-detail tells a person about a task: its name and scenario, shown beside its id. */
export interface TaskLabel {
  name?: string;
  type?: string;
}
