import { chunksOf } from './chunks.js';
import { classifyWithCause, type CauseFields } from './causeDecision.js';
import type { CauseRules } from './causeRuleSet.js';
import type { JobOutcome, ObservedTask } from './outcomes.js';

/** One job the plan will send to batch-retry-task. */
export interface PlannedJob {
  jobId: string;
  /** The status read before the retry; carried into the report. */
  status: string;
  /** Send `is_sync_re_edit: true` for this job. */
  reEdit: boolean;
  /** Why the task failed (masked) and the cause rule it matched: carried into the job's outcome. */
  failure?: CauseFields;
}

/** The decision for every requested job: settled now, or to be retried in chunks. */
export interface RetryPlan {
  /** Jobs decided without a retry, in request order. */
  settled: JobOutcome[];
  /** Jobs to retry, in request order, cut into chunks of at most `batchSize`. */
  chunks: PlannedJob[][];
}

export interface PlanInput {
  /** Requested ids; duplicates are ignored after their first appearance. */
  jobIds: readonly string[];
  /** What the read phase found, by id. */
  observed: ReadonlyMap<string, ObservedTask>;
  /** Ids whose status could not be read, with the reason; they are deferred. */
  unread: ReadonlyMap<string, string>;
  retryStatuses: ReadonlySet<string>;
  batchSize: number;
  /** DRS_RE_EDIT: send `is_sync_re_edit` with every job. */
  reEditAll: boolean;
  /** DRS's raw text of why each task failed, by id (`failed_reason`, else the list's `error_msg`). */
  failureTexts?: ReadonlyMap<string, string>;
  /** The failure-cause rules; absent = the defaults. */
  causeRules?: CauseRules;
}

/** The status after which DRS wants `is_sync_re_edit` (a re-edited sync task's subtask). */
const RE_EDIT_STATUS = 'CHILD_TRANSFER_FAILED';

/** Unique ids in first-seen order. */
export function uniqueIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)];
}

/**
 * Classifies every job (its status first, then its failure cause: a cause that needs a person
 * settles it `needs_attention` here, before any retry budget is looked at) and cuts the
 * retryable ones into chunks. Linear in the number of jobs.
 */
export function planRetries(input: PlanInput): RetryPlan {
  if (!Number.isInteger(input.batchSize) || input.batchSize < 1) {
    throw new TypeError(`Expected \`batchSize\` to be a whole number from 1 and up, got ${input.batchSize}`);
  }
  const settled: JobOutcome[] = [];
  const toRetry: PlannedJob[] = [];
  for (const jobId of uniqueIds(input.jobIds)) {
    const unreadReason = input.unread.get(jobId);
    if (unreadReason !== undefined) {
      settled.push({ jobId, outcome: 'deferred', reason: unreadReason });
      continue;
    }
    const task = input.observed.get(jobId);
    const decision = classifyWithCause(task, input.retryStatuses, input.failureTexts?.get(jobId), input.causeRules);
    if (decision.action === 'settle') {
      settled.push({ jobId, ...decision.outcome });
      continue;
    }
    const status = task?.status ?? '';
    toRetry.push({ jobId, status, reEdit: input.reEditAll || status === RE_EDIT_STATUS, failure: decision.fields });
  }
  return { settled, chunks: chunksOf(toRetry, input.batchSize) };
}
