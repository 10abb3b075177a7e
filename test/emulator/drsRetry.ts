import { duplicates, invalidRequest, ITEM_ERRORS, parameterEmpty, parameterInvalid } from './drsErrors.js';
import { isRecord, type ParsedBody } from './json.js';
import type { ApiResponse } from './responses.js';
import type { TaskStore } from './taskStore.js';
import type { EmulatorTask } from './types.js';

/** `POST /v3/{project_id}/jobs/batch-retry-task`: per-item outcomes, state changes on success. */

/** Failed statuses a retry resumes, and the status the task moves to. */
const RESUMES: ReadonlyMap<string, string> = new Map([
  ['FULL_TRANSFER_FAILED', 'FULL_TRANSFER_STARTED'],
  ['INCRE_TRANSFER_FAILED', 'INCRE_TRANSFER_STARTED'],
  ['CHILD_TRANSFER_FAILED', 'CHILD_TRANSFER_STARTED'],
]);

interface RetryItem {
  jobId: string;
  isSyncReEdit: boolean | undefined;
}

type ItemResult = { id: string; status: 'success' } | { id: string; status: 'failed'; error_code: string; error_msg: string };

function readItems(body: Record<string, unknown>): RetryItem[] | ApiResponse {
  const jobs = body.jobs;
  if (jobs === undefined || jobs === null || (Array.isArray(jobs) && jobs.length === 0)) return parameterEmpty('jobs');
  if (!Array.isArray(jobs)) return parameterInvalid('jobs');
  const items: RetryItem[] = [];
  for (const job of jobs) {
    if (!isRecord(job)) return parameterInvalid('jobs');
    const jobId = job.job_id;
    if (jobId === undefined || jobId === null || jobId === '') return parameterEmpty('job_id');
    if (typeof jobId !== 'string') return parameterInvalid('job_id');
    const flag = job.is_sync_re_edit;
    if (flag !== undefined && typeof flag !== 'boolean') return parameterInvalid('is_sync_re_edit');
    items.push({ jobId, isSyncReEdit: flag });
  }
  if (new Set(items.map((i) => i.jobId)).size !== items.length) return duplicates('job_id');
  // No maximum batch size is documented, so none is enforced.
  return items;
}

function failed(id: string, error: { code: string; message: string }): ItemResult {
  return { id, status: 'failed', error_code: error.code, error_msg: error.message };
}

function retryOne(task: EmulatorTask, tasks: TaskStore, isSyncReEdit: boolean | undefined): ItemResult {
  // Structure first: a parent is never retryable, busy or not.
  if (tasks.isDualActiveParent(task)) return failed(task.id, ITEM_ERRORS.parentTask);
  // Re-editing is a synchronization feature (DRS.M00401), so the flag is refused elsewhere.
  if (isSyncReEdit === true && task.dbUseType !== 'sync') return failed(task.id, ITEM_ERRORS.reEditNotSupported);
  if (task.busy > 0) {
    task.busy -= 1;
    return failed(task.id, ITEM_ERRORS.busy);
  }
  const next = RESUMES.get(task.status);
  if (next === undefined) return failed(task.id, ITEM_ERRORS.wrongStatus);
  tasks.setStatus(task.id, next);
  return { id: task.id, status: 'success' };
}

/** Answers a batch retry; HTTP 400 (still with results) only when no id names a live task. */
export function handleRetry(projectId: string, parsed: ParsedBody, tasks: TaskStore, now: () => number): ApiResponse {
  if (!parsed.ok || !isRecord(parsed.value)) return invalidRequest();
  const items = readItems(parsed.value);
  if (!Array.isArray(items)) return items;

  let known = 0;
  const results = items.map(({ jobId, isSyncReEdit }): ItemResult => {
    const found = tasks.lookup(projectId, jobId);
    if (found.kind === 'missing') return failed(jobId, ITEM_ERRORS.notFound);
    if (found.kind === 'deleted') return failed(jobId, ITEM_ERRORS.deleted);
    known += 1;
    const result = retryOne(found.task, tasks, isSyncReEdit);
    found.task.retries.push({ at: now(), isSyncReEdit, outcome: result.status === 'success' ? 'success' : result.error_code });
    return result;
  });
  return { status: known === 0 ? 400 : 200, body: { results, count: results.length } };
}
