import pLimit, { type LimitFunction } from 'p-limit';
import { ApiError, DrsAutoRetryError, messageOf, PermissionError, stopsTheRun } from '../errors.js';
import { chunksOf } from '../core/chunks.js';
import type { TaskItem } from '../core/outcomes.js';
import type { EndpointAdvice } from '../http/failureAdvice.js';
import type { HttpClient, RequestAuthorizer } from '../http/httpClient.js';
import type { AdaptiveRateLimiter } from '../http/rateLimiter.js';
import { parseItemResults } from '../http/otcErrorBody.js';
import { permissionAdvice, type DrsCall } from './permissions.js';
import type { BatchRead, DbUseType, ListedTask, RetryItem, TaskDetail } from '../engine/ports.js';
import type {
  BatchQueryRequest,
  BatchQueryResponse,
  BatchRetryRequest,
  BatchRetryResponse,
  JobInfo,
  ListJobsRequest,
  ListJobsResponse,
  QueryJobResp,
} from './types.js';

/** DRS answers at most 100 items a page (batch-detail, list). */
export const MAX_PER_PAGE = 100;
const BATCH_DETAIL = 'batch-detail';

/** What a failed DRS call tells the user to check (README "Configuration"). */
export const DRS_ADVICE: EndpointAdvice = {
  service: 'DRS',
  setting: 'DRS_ENDPOINT',
  example: 'https://drs.eu-de.otc.t-systems.com',
  throttled: 'DRS is throttling: lower DRS_CONCURRENCY or run less often',
  refused: 'The credentials were refused: check them, and that they may use DRS in this project',
};

export interface DrsClientOptions {
  http: HttpClient;
  authorizer: RequestAuthorizer;
  /** Scheme and host, e.g. `https://drs.eu-de.otc.t-systems.com`. */
  endpoint: string;
  projectId: string;
  /** Requests in flight at once, over all calls of this client (DRS_CONCURRENCY). */
  concurrency: number;
  /** Items per page; only tests set it lower. */
  perPage?: number;
  /** The run's shared request rate, which adapts to DRS throttling. */
  rateLimiter?: AdaptiveRateLimiter;
}

/**
 * DRS v3 for one project: read statuses and details in pages, list tasks, resume tasks.
 * Every request goes through one concurrency limit, so reads and retries together never
 * exceed DRS_CONCURRENCY requests in flight, and through the run's adaptive rate, if given.
 */
export class DrsClient {
  private readonly limit: LimitFunction;
  private readonly base: string;
  private readonly perPage: number;
  /** Set by the first call refused for lack of rights: every later call would be refused too. */
  private refusedPermission: PermissionError | undefined;

  constructor(private readonly options: DrsClientOptions) {
    this.limit = pLimit(options.concurrency);
    this.base = `${options.endpoint.replace(/\/+$/, '')}/v3/${encodeURIComponent(options.projectId)}`;
    this.perPage = Math.max(1, Math.min(MAX_PER_PAGE, options.perPage ?? MAX_PER_PAGE));
  }

  /**
   * Status plus `multi_write`, `parent_id`, `master_job_id` and `failed_reason` of each id
   * (`POST /jobs/batch-detail`), read in chunks of one page each with explicit `page_req`. Only
   * those fields are kept: the raw answer holds database passwords and must never be logged or
   * stored (`failed_reason` can hold one too: the engine masks it before it reports it).
   */
  batchDetail(ids: readonly string[], onChunk?: (chunk: BatchRead<TaskDetail>) => void): Promise<BatchRead<TaskDetail>> {
    return this.readInChunks(ids, onChunk);
  }

  /** Every task of one scenario (`POST /jobs`), all pages, with dual-active children flattened. */
  async listJobs(dbUseType: DbUseType): Promise<ListedTask[]> {
    const tasks: ListedTask[] = [];
    let topLevel = 0;
    for (let page = 1; ; page++) {
      // engine_type defaults to mysql (querying_tasks_of_a_tenant.rst:73-75), which would hide
      // PostgreSQL, MongoDB, GaussDB and DR tasks; "" lists every engine, as in the doc's example.
      const body: ListJobsRequest = { cur_page: page, per_page: this.perPage, db_use_type: dbUseType, engine_type: '' };
      const data = await this.post<ListJobsResponse>('list', `list ${dbUseType} tasks`, '/jobs', body);
      const jobs = Array.isArray(data?.jobs) ? data.jobs : [];
      for (const job of jobs) tasks.push(...flatten(job, dbUseType));
      topLevel += jobs.length;
      const total = typeof data?.total_record === 'number' ? data.total_record : topLevel;
      // A short or empty page ends the list even if total_record disagrees, so a wrong
      // total can never make us loop.
      if (topLevel >= total || jobs.length < this.perPage) return tasks;
    }
  }

  /**
   * Resumes the given jobs in one request (`POST /jobs/batch-retry-task`) and returns DRS's
   * per-item answers. A 400 that carries per-item `results` (e.g. every id unknown) is an
   * answer too, not an error; any other failure throws.
   */
  async batchRetry(items: readonly RetryItem[]): Promise<TaskItem[]> {
    const body: BatchRetryRequest = {
      jobs: items.map((item) => (item.reEdit ? { job_id: item.jobId, is_sync_re_edit: true } : { job_id: item.jobId })),
    };
    try {
      const data = await this.post<BatchRetryResponse>('batch-retry-task', 'batch-retry-task', '/jobs/batch-retry-task', body);
      return parseItemResults(Array.isArray(data?.results) ? data.results : []);
    } catch (error) {
      if (error instanceof ApiError && error.results && error.results.length > 0) return error.results;
      throw error;
    }
  }

  /**
   * One call under the concurrency limit. After a call was refused for lack of rights, calls
   * still queued fail with that refusal without being sent: only those already in flight go out.
   */
  private post<T>(call: DrsCall, operation: string, path: string, body: unknown): Promise<T | undefined> {
    return this.limit(async () => {
      if (this.refusedPermission) throw this.refusedPermission;
      try {
        const response = await this.options.http.request<T | undefined>({
          operation: `DRS ${operation}`,
          advice: DRS_ADVICE,
          method: 'POST',
          url: `${this.base}${path}`,
          body,
          authorizer: this.options.authorizer,
          rateLimiter: this.options.rateLimiter,
          permission: permissionAdvice(call),
        });
        return response.data;
      } catch (error) {
        if (error instanceof PermissionError) this.refusedPermission ??= error;
        throw error;
      }
    });
  }

  /**
   * Reads ids in chunks of one page each, all chunks concurrently (under the limit), and hands
   * each chunk to `onChunk` as soon as it is read, so the caller can act on it while the rest
   * is still in flight. A chunk that fails is reported in `failures`; refused credentials or
   * missing rights fail the whole read (after every chunk has settled).
   */
  private async readInChunks(
    ids: readonly string[],
    onChunk?: (chunk: BatchRead<TaskDetail>) => void,
  ): Promise<BatchRead<TaskDetail>> {
    const chunks = chunksOf(ids, this.perPage);
    const parts: BatchRead<TaskDetail>[] = [];
    let refused: DrsAutoRetryError | undefined;
    await Promise.all(
      chunks.map(async (chunk, index) => {
        let part: BatchRead<TaskDetail>;
        try {
          part = await this.readChunk(chunk);
        } catch (error) {
          if (stopsTheRun(error)) {
            refused ??= error;
            return;
          }
          const failure =
            error instanceof DrsAutoRetryError
              ? error
              : new DrsAutoRetryError(`DRS ${BATCH_DETAIL} failed: ${messageOf(error)}`, { code: 'INTERNAL', cause: error });
          part = { items: [], failures: [{ ids: chunk, error: failure }] };
        }
        parts[index] = part;
        onChunk?.(part);
      }),
    );
    if (refused) throw refused;
    return { items: parts.flatMap((p) => p.items), failures: parts.flatMap((p) => p.failures) };
  }

  /**
   * One chunk is one page: it holds at most `per_page` ids, so page 1 covers it. No page past it
   * is asked for, since DRS answers a page beyond ids / per_page with DRS.M00211, which would fail
   * the whole chunk. Ids the answer leaves out are reported as `unreported`.
   */
  private async readChunk(chunk: string[]): Promise<BatchRead<TaskDetail>> {
    const wanted = new Set(chunk);
    const seen = new Map<string, TaskDetail>();
    // page_req is always sent: DRS's default page is 5 items, and ids beyond it would vanish.
    const body: BatchQueryRequest = { jobs: chunk, page_req: { cur_page: 1, per_page: this.perPage } };
    const data = await this.post<BatchQueryResponse<QueryJobResp>>(BATCH_DETAIL, BATCH_DETAIL, `/jobs/${BATCH_DETAIL}`, body);
    for (const item of Array.isArray(data?.results) ? data.results : []) {
      const id = str(item.id);
      if (id !== undefined && wanted.has(id) && !seen.has(id)) seen.set(id, toTaskDetail(item));
    }
    const items = chunk.flatMap((id) => {
      const item = seen.get(id);
      return item ? [item] : [];
    });
    const missing = chunk.filter((id) => !seen.has(id));
    if (missing.length === 0) return { items, failures: [] };
    const error = new DrsAutoRetryError(`DRS ${BATCH_DETAIL} did not report ${missing.length} of the ids asked for`, { code: 'DRS_INCOMPLETE_ANSWER' });
    return { items, failures: [{ ids: missing, error, unreported: true }] };
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function toTaskDetail(item: QueryJobResp): TaskDetail {
  return {
    id: String(item.id),
    status: str(item.status),
    errorCode: str(item.error_code),
    errorMessage: str(item.error_message),
    name: str(item.name),
    multiWrite: item.multi_write === true,
    parentId: str(item.parent_id),
    masterJobId: str(item.master_job_id),
    dbUseType: str(item.db_use_type),
    failureText: str(item.failed_reason),
  };
}

function flatten(job: JobInfo, dbUseType: DbUseType): ListedTask[] {
  const id = str(job.id);
  if (id === undefined) return [];
  const children = Array.isArray(job.children) ? job.children : [];
  const parent: ListedTask = { id, name: str(job.name), status: str(job.status), dbUseType, isParent: children.length > 0, failureText: str(job.error_msg) };
  const flattened = children.flatMap((child): ListedTask[] => {
    const childId = str(child.id);
    return childId === undefined
      ? []
      : [{ id: childId, name: str(child.name), status: str(child.status), dbUseType, parentId: id, isParent: false, failureText: str(child.error_msg) }];
  });
  return [parent, ...flattened];
}
