import { duplicates, invalidRequest, ITEM_ERRORS, pageExceeded, pageInvalid, parameterEmpty, parameterInvalid } from './drsErrors.js';
import { isInteger, isRecord, type ParsedBody } from './json.js';
import type { ApiResponse } from './responses.js';
import type { TaskStore } from './taskStore.js';
import { detailItemJson, itemError, statusItem } from './taskViews.js';
import type { EmulatorTask } from './types.js';

/** batch-status and batch-detail: same body `{jobs, page_req}`, same paging, different item shape. */

const PER_PAGE_DEFAULT = 5;
const PER_PAGE_MAX = 100;

interface Page {
  curPage: number;
  /** 0 means every item on one page. */
  perPage: number;
}

function readJobs(body: Record<string, unknown>): string[] | ApiResponse {
  const jobs = body.jobs;
  if (jobs === undefined || jobs === null || (Array.isArray(jobs) && jobs.length === 0)) return parameterEmpty('jobs');
  if (!Array.isArray(jobs) || !jobs.every((id): id is string => typeof id === 'string' && id !== '')) {
    return parameterInvalid('jobs');
  }
  if (new Set(jobs).size !== jobs.length) return duplicates('jobs');
  return jobs;
}

function readPage(body: Record<string, unknown>): Page | ApiResponse {
  const pageReq = body.page_req;
  if (pageReq === undefined || pageReq === null) return { curPage: 1, perPage: PER_PAGE_DEFAULT };
  if (!isRecord(pageReq)) return parameterInvalid('page_req');
  const curPage = pageReq.cur_page ?? 1;
  const perPage = pageReq.per_page ?? PER_PAGE_DEFAULT;
  if (!isInteger(perPage) || perPage < 0 || perPage > PER_PAGE_MAX) {
    return pageInvalid(`per_page must be an integer from 0 to ${PER_PAGE_MAX}.`);
  }
  if (!isInteger(curPage) || curPage < 1) return pageInvalid('cur_page must be an integer from 1.');
  return { curPage, perPage };
}

function slicePage(ids: string[], page: Page): string[] | ApiResponse {
  // per_page 0 returns every item, so cur_page has nothing to select and is ignored.
  if (page.perPage === 0) return ids;
  const pages = Math.ceil(ids.length / page.perPage);
  // The doc: cur_page "cannot exceed the maximum number of pages" (job ids / per_page).
  if (page.curPage > pages) return pageExceeded();
  const start = (page.curPage - 1) * page.perPage;
  return ids.slice(start, start + page.perPage);
}

/** Answers batch-status (`status`) or batch-detail (`detail`) for one project. */
export function handleBatchQuery(
  kind: 'status' | 'detail',
  projectId: string,
  parsed: ParsedBody,
  tasks: TaskStore,
): ApiResponse {
  if (!parsed.ok || !isRecord(parsed.value)) return invalidRequest();
  const ids = readJobs(parsed.value);
  if (!Array.isArray(ids)) return ids;
  const page = readPage(parsed.value);
  if ('status' in page) return page;
  const pageIds = slicePage(ids, page);
  if (!Array.isArray(pageIds)) return pageIds;

  const render = (task: EmulatorTask): string => (kind === 'status' ? JSON.stringify(statusItem(task)) : detailItemJson(task));
  const answered = kind === 'detail' ? pageIds.filter((id) => !tasks.isLeftOutOfDetail(id)) : pageIds;
  const results = answered.map((id) => {
    const found = tasks.lookup(projectId, id);
    if (found.kind === 'found') return render(found.task);
    return JSON.stringify(itemError(id, found.kind === 'deleted' ? ITEM_ERRORS.deleted : ITEM_ERRORS.notFound));
  });
  // count is the number of ids asked for, not the page size, so a client can tell how many pages remain.
  return { status: 200, body: undefined, json: `{"results":[${results.join(',')}],"count":${ids.length}}` };
}
