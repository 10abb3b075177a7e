/**
 * DRS API v3 wire shapes: what this tool sends and reads (as in the OTC API reference). The typed
 * values DrsClient hands to the engine are the engine's own (lib/engine/ports.ts).
 */
import type { DbUseType } from '../engine/ports.js';

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
  /**
   * "Failure cause." (querying_task_details_in_batches.rst): DRS's text of why the task failed,
   * e.g. `service LOGMANAGER failed, cause by: …`. It can hold connection strings and passwords.
   */
  failed_reason?: string;
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
  /** "" for every engine; left out, DRS lists MySQL-to-MySQL tasks only. */
  engine_type: string;
}

export interface ChildrenJobInfo {
  id?: string;
  name?: string;
  status?: string;
  db_use_type?: string;
  /** "Task failure cause." (querying_tasks_of_a_tenant.rst): the same kind of text as `failed_reason`. */
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
