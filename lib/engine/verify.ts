import { sleep, type Deadline, type Sleep } from '../core/deadline.js';
import type { JobOutcome } from '../core/outcomes.js';
import { isFailedStatus } from '../core/taskStatuses.js';
import type { BatchRead, TaskDetail } from './ports.js';
import { messageOf } from '../errors.js';

export interface VerifyOptions {
  verifyAfterMs: number;
  /** One request's timeout: the re-read must fit in the budget too. */
  timeoutMs: number;
  deadline: Deadline;
  sleep?: Sleep;
}

/**
 * A `success` from batch-retry-task only means DRS accepted the retry, not that the task
 * recovered. Waits, re-reads the retried jobs once, and adds `verified` and `statusAfter` to
 * their outcomes. A job that failed again keeps the attempt counted against its budget.
 */
export async function verifyRetried(
  outcomes: readonly JobOutcome[],
  drs: { batchDetail(ids: readonly string[]): Promise<BatchRead<TaskDetail>> },
  options: VerifyOptions,
): Promise<{ outcomes: JobOutcome[]; skipped?: string }> {
  const retried = outcomes.filter((o) => o.outcome === 'retried').map((o) => o.jobId);
  if (retried.length === 0) return { outcomes: [...outcomes] };
  if (options.deadline.remainingMs() < options.verifyAfterMs + options.timeoutMs) {
    return { outcomes: [...outcomes], skipped: 'DRS_VERIFY_AFTER_MS does not fit in what is left of the time budget' };
  }
  await (options.sleep ?? sleep)(options.verifyAfterMs);
  let read: BatchRead<TaskDetail>;
  try {
    read = await drs.batchDetail(retried);
  } catch (error) {
    return { outcomes: [...outcomes], skipped: `the re-read failed: ${messageOf(error)}` };
  }
  const after = new Map(read.items.map((task) => [task.id, task.status]));
  return {
    outcomes: outcomes.map((outcome) => {
      const status = outcome.outcome === 'retried' ? after.get(outcome.jobId) : undefined;
      return status === undefined ? outcome : { ...outcome, verified: !isFailedStatus(status), statusAfter: status };
    }),
  };
}
