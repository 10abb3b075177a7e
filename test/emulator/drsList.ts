import { invalidRequest, parameterEmpty, parameterInvalid } from './drsErrors.js';
import { isInteger, isRecord, type ParsedBody } from './json.js';
import type { ApiResponse } from './responses.js';
import type { TaskStore } from './taskStore.js';
import { jobInfo } from './taskViews.js';
import type { EmulatorTask } from './types.js';

/** `POST /v3/{project_id}/jobs`: tenant task list for one db_use_type, children nested under parents. */

const DB_USE_TYPES: ReadonlySet<unknown> = new Set(['migration', 'sync', 'cloudDataGuard']);
const PER_PAGE_MAX = 100;
const ENGINE_TYPE_DEFAULT = 'mysql';

interface ListQuery {
  curPage: number;
  perPage: number;
  dbUseType: string;
  status: string;
  name: string;
  engineType: string;
}

function required(body: Record<string, unknown>, key: string): unknown {
  const value = body[key];
  return value === undefined || value === null || value === '' ? undefined : value;
}

/** An optional string filter; '' (as in the doc example) and absence both mean "no filter". */
function filter(body: Record<string, unknown>, key: string): string | ApiResponse {
  const value = body[key];
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : parameterInvalid(key);
}

function readQuery(body: Record<string, unknown>): ListQuery | ApiResponse {
  const curPage = required(body, 'cur_page');
  if (curPage === undefined) return parameterEmpty('cur_page');
  if (!isInteger(curPage) || curPage < 0) return parameterInvalid('cur_page');
  const perPage = required(body, 'per_page');
  if (perPage === undefined) return parameterEmpty('per_page');
  if (!isInteger(perPage) || perPage < 0 || perPage > PER_PAGE_MAX) return parameterInvalid('per_page');
  const dbUseType = required(body, 'db_use_type');
  if (dbUseType === undefined) return parameterEmpty('db_use_type');
  if (!DB_USE_TYPES.has(dbUseType)) return parameterInvalid('db_use_type');
  const status = filter(body, 'status');
  const name = filter(body, 'name');
  // querying_tasks_of_a_tenant.rst:73-75: engine_type is optional with "Default value: mysql", so a
  // client that leaves it out sees MySQL-to-MySQL tasks only (no postgresql, mongodb,
  // mysql-to-taurus or cloudDataGuard-mysql); the doc's example request (line 328) sends "" for all.
  const engineType = body.engine_type === undefined || body.engine_type === null ? ENGINE_TYPE_DEFAULT : filter(body, 'engine_type');
  for (const value of [status, name, engineType]) if (typeof value !== 'string') return value;
  return {
    curPage, perPage, dbUseType: dbUseType as string, status: status as string, name: name as string, engineType: engineType as string,
  };
}

function matches(task: EmulatorTask, query: ListQuery): boolean {
  return (
    task.dbUseType === query.dbUseType &&
    (query.status === '' || task.status === query.status) &&
    (query.engineType === '' || task.engineType === query.engineType) &&
    // The doc calls `name` "Name or ID".
    (query.name === '' || task.name.includes(query.name) || task.id === query.name)
  );
}

/** Answers the list API for one project. */
export function handleList(projectId: string, parsed: ParsedBody, tasks: TaskStore): ApiResponse {
  if (!parsed.ok || !isRecord(parsed.value)) return invalidRequest();
  const query = readQuery(parsed.value);
  if ('body' in query) return query;

  // Children are reached through their parent's `children`, never listed on their own; filters
  // apply to top-level tasks only (the doc does not say they reach into children).
  const topLevel = tasks
    .live(projectId)
    .filter((task) => task.parentId === undefined && matches(task, query))
    .sort((a, b) => b.createdAt - a.createdAt);
  // cur_page 0 means all items (doc); so does per_page 0, mirroring batch-status. A page past the end is empty.
  const all = query.curPage === 0 || query.perPage === 0;
  const start = all ? 0 : (query.curPage - 1) * query.perPage;
  const page = all ? topLevel : topLevel.slice(start, start + query.perPage);
  return {
    status: 200,
    body: {
      total_record: topLevel.length,
      jobs: page.map((task) => jobInfo(task, tasks.childrenOf(task))),
    },
  };
}
