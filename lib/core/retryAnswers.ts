import type { JobOutcome, TaskItem } from './outcomes.js';
import type { PlannedJob } from './plan.js';
import { NOT_FOUND_CODES } from './taskStatuses.js';


/** "Busy": another operation runs on the task. The next run tries again. */
const BUSY = 'DRS.M01504';
/** "Operation too frequent", per item. */
const THROTTLED = 'DRS.M01503';
/** "Cannot be called in the current task status": it changed since we read it. */
const WRONG_STATUS = 'DRS.M00304';
/** "Only subtasks can invoke this interface": a dual-active parent. */
const PARENT_ONLY_CHILDREN = 'DRS.M00307';

/** Maps DRS's answer for one job to its outcome. A missing answer defers the job. */
export function outcomeOfRetryAnswer(job: PlannedJob, answer: TaskItem | undefined): JobOutcome {
  const base = { jobId: job.jobId, status: job.status };
  if (answer === undefined) {
    return { ...base, outcome: 'deferred', reason: 'DRS gave no answer for this job; the next run re-reads its status' };
  }
  const error = {
    ...(answer.errorCode ? { errorCode: answer.errorCode } : {}),
    ...(answer.errorMessage ? { errorMessage: answer.errorMessage } : {}),
  };
  if (answer.status === 'success') return { ...base, outcome: 'retried' };
  switch (answer.errorCode) {
    case BUSY:
      return { ...base, ...error, outcome: 'deferred', reason: 'the task is busy with another operation; the next run tries again' };
    case THROTTLED:
      return { ...base, ...error, outcome: 'deferred', reason: 'DRS throttled this retry; the next run tries again' };
    case WRONG_STATUS:
      return {
        ...base,
        ...error,
        outcome: 'skipped',
        reason: 'already resumed: the task left its failed status after it was read (another run or a person resumed it)',
      };
    case PARENT_ONLY_CHILDREN:
      return { ...base, ...error, outcome: 'needs_attention', reason: 'dual-active parent task: only its child tasks can be retried' };
  }
  if (answer.errorCode && NOT_FOUND_CODES.has(answer.errorCode)) {
    return { ...base, ...error, outcome: 'not_found', reason: 'DRS no longer knows this task (deleted or released)' };
  }
  return { ...base, ...error, outcome: 'retry_failed', reason: 'DRS refused the retry for this job' };
}
