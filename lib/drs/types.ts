/**
 * DRS API v3 types: the wire shapes this tool sends and reads (as in the OTC API reference),
 * and the typed values DrsClient hands to the rest of the code.
 */
import type { TaskItem } from '../core/outcomes.js';
import type { DrsAutoRetryError } from '../errors.js';

/** The three task scenarios; `POST /jobs` lists one at a time. */
export const DB_USE_TYPES = ['migration', 'sync', 'cloudDataGuard'] as const;
export type DbUseType = (typeof DB_USE_TYPES)[number];

/** `page_req` of batch-status and batch-detail. Without it DRS answers only 5 items. */
export interface PageReq {
  cur_page: number;
  per_page: number;
}

/** Body of `POST /v3/{project_id}/jobs/batch-status` and `.../batch-detail`. */
export interface BatchQueryRequest {
  jobs: string[];
  page_req: PageReq;
}

/** One item of batch-status (note `error_message`, not `error_msg`). */
export interface QueryJobStatusResp {
  id?: string;
  status?: string;
  error_code?: string;
  error_message?: string;
}

/** The few batch-detail fields this tool reads. The real item also holds DB credentials. */
export interface QueryJobResp extends QueryJobStatusResp {
  name?: string;
  parent_id?: string;
  master_job_id?: string;
  multi_write?: boolean;
  db_use_type?: string;
}

export interface BatchQueryResponse<T> {
  results?: T[];
  count?: number;
}

/** Body of `POST /v3/{project_id}/jobs` (list). All three fields are mandatory. */
export interface ListJobsRequest {
  cur_page: number;
  per_page: number;
  db_use_type: DbUseType;
}

export interface ChildrenJobInfo {
  id?: string;
  name?: string;
  status?: string;
  db_use_type?: string;
  error_msg?: string;
}

export interface JobInfo extends ChildrenJobInfo {
  children?: ChildrenJobInfo[];
}

export interface ListJobsResponse {
  total_record?: number;
  jobs?: JobInfo[];
}

/** Body of `POST /v3/{project_id}/jobs/batch-retry-task`. */
export interface BatchRetryRequest {
  jobs: Array<{ job_id: string; is_sync_re_edit?: boolean }>;
}

export interface RetryTaskResp {
  id?: string;
  status?: string;
  error_code?: string;
  error_msg?: string;
}

export interface BatchRetryResponse {
  results?: RetryTaskResp[];
  count?: number;
}

/** A task's status plus what tells a dual-active parent from its children (batch-detail). */
export interface TaskDetail extends TaskItem {
  name?: string;
  /** True for a dual-active (multi-write) DR task, parent or child. */
  multiWrite: boolean;
  parentId?: string;
  masterJobId?: string;
  dbUseType?: string;
}

/** A task found by listing a scenario; children of a dual-active parent are flattened. */
export interface ListedTask {
  id: string;
  name?: string;
  status?: string;
  dbUseType: DbUseType;
  /** Set on a child: the dual-active parent it belongs to. */
  parentId?: string;
  /** True for a dual-active parent (it has children); it must never be retried itself. */
  isParent: boolean;
}

/** One job to resume. */
export interface RetryItem {
  jobId: string;
  /** Sent as `is_sync_re_edit: true`: for tasks started after a re-edit. */
  reEdit?: boolean;
}

/** A read over many chunks: what came back, and the chunks that could not be read. */
export interface BatchRead<T> {
  items: T[];
  failures: Array<{ ids: string[]; error: DrsAutoRetryError }>;
}
