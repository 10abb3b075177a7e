import { createHash } from 'node:crypto';
import type { EmulatorTask } from './types.js';

/**
 * How a task appears in each DRS answer. Field names follow the response tables of the
 * list, batch-status and batch-detail pages; values that tests do not seed are derived from the
 * task id so they look real and stay stable between calls.
 */

function digest(id: string, salt: string): Buffer {
  return createHash('sha256').update(`${salt}:${id}`).digest();
}

function uuid(id: string, salt: string): string {
  const h = digest(id, salt).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function privateIp(id: string, salt: string): string {
  const d = digest(id, salt);
  return `192.168.${d[0] ?? 0}.${((d[1] ?? 0) % 250) + 2}`;
}

/** `create_time` of the list API: `2020-12-21 10:57:49` (UTC). */
function listTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** batch-status item for a known task; error fields only when the task carries them. */
export function statusItem(task: EmulatorTask): Record<string, unknown> {
  return {
    id: task.id,
    status: task.status,
    ...(task.errorCode !== undefined && { error_code: task.errorCode }),
    ...(task.errorMessage !== undefined && { error_message: task.errorMessage }),
  };
}

function commonListFields(task: EmulatorTask): Record<string, unknown> {
  return {
    id: task.id,
    name: task.name,
    status: task.status,
    description: '',
    create_time: listTime(task.createdAt),
    // JobInfo and ChildrenJobInfo carry the failure text as error_msg, as in the doc example.
    ...(task.errorMessage !== undefined && { error_msg: task.errorMessage }),
    engine_type: task.engineType,
    net_type: 'eip',
    billing_tag: false,
    job_direction: 'up',
    db_use_type: task.dbUseType,
    task_type: 'FULL_INCR_TRANS',
    node_newFramework: false,
  };
}

/** ChildrenJobInfo of the list API. */
export function childJobInfo(task: EmulatorTask): Record<string, unknown> {
  return commonListFields(task);
}

/** JobInfo of the list API; dual-active parents carry their children. */
export function jobInfo(task: EmulatorTask, children: EmulatorTask[]): Record<string, unknown> {
  return {
    ...commonListFields(task),
    ...(children.length > 0 && { children: children.map(childJobInfo) }),
  };
}

function endpoint(task: EmulatorTask, side: 'source' | 'target'): Record<string, unknown> {
  const inst = digest(task.id, `${side}-inst`).toString('hex').slice(0, 32);
  return {
    ip: privateIp(task.id, side),
    region: 'eu-de',
    db_type: 'mysql',
    db_port: 3306,
    ssl_link: false,
    inst_id: `${inst}in01`,
    inst_name: `rds-${side}-${task.id.slice(0, 4)}`,
    project_id: task.projectId,
    db_user: 'root',
    // The real detail answer holds credentials; clients must never log or report them.
    db_password: side === 'source' ? task.sourceDbPassword : task.targetDbPassword,
    vpc_id: uuid(task.id, 'vpc'),
    subnet_id: uuid(task.id, 'subnet'),
  };
}

/** QueryJobResp of batch-detail: the fields a retry tool could need, plus the sensitive endpoints. */
// The derived fields never change after a task is added; status and error fields do. The fixed
// ones are kept as JSON text, so a 100-item page is joined from strings rather than re-serialised:
// the benchmark measures the engine, and the emulator shares its two cores.
const fixedMembers = new WeakMap<EmulatorTask, string>();

function renderFixedMembers(task: EmulatorTask): string {
  const { status: _status, error_code: _code, error_message: _message, failed_reason: _reason, ...fixed } = renderDetail(task);
  // `{"id":…,…}` without its braces: members to put in front of the live ones.
  return JSON.stringify(fixed).slice(1, -1);
}

/** Renders the parts of a task's detail that never change, once, when the task is added. */
export function prepareDetail(task: EmulatorTask): void {
  fixedMembers.set(task, renderFixedMembers(task));
}

/** One batch-detail item, as JSON text. */
export function detailItemJson(task: EmulatorTask): string {
  let fixed = fixedMembers.get(task);
  if (fixed === undefined) {
    fixed = renderFixedMembers(task);
    fixedMembers.set(task, fixed);
  }
  const live = {
    status: task.status,
    ...failureFields(task),
  };
  // `"status":…}`: the live members and the closing brace.
  return `{${fixed},${JSON.stringify(live).slice(1)}`;
}

/**
 * What batch-detail says about a failure: `error_code` and `error_message` (querying_task_details_in_batches.rst:220-222)
 * and `failed_reason`, "Failure cause" (line 156), which carries DRS's wrapped text
 * (`service LOGMANAGER failed, cause by: …`, as in the list page's example).
 */
function failureFields(task: EmulatorTask): Record<string, string> {
  return {
    ...(task.errorCode !== undefined && { error_code: task.errorCode }),
    ...(task.errorMessage !== undefined && { error_message: task.errorMessage, failed_reason: task.errorMessage }),
  };
}

function renderDetail(task: EmulatorTask): Record<string, unknown> {
  const created = task.createdAt;
  return {
    id: task.id,
    ...(task.parentId !== undefined && { parent_id: task.parentId }),
    name: task.name,
    status: task.status,
    description: '',
    create_time: String(created),
    task_type: 'FULL_INCR_TRANS',
    source_endpoint: endpoint(task, 'source'),
    target_endpoint: endpoint(task, 'target'),
    net_type: 'eip',
    // engine_type is not a top-level QueryJobResp field; the doc puts it under inst_info.
    inst_info: {
      ip: privateIp(task.id, 'inst'),
      inst_type: 'high',
      engine_type: task.engineType,
      volume_size: 100,
      public_ip: `10.154.${digest(task.id, 'eip')[0] ?? 0}.${digest(task.id, 'eip')[1] ?? 0}`,
      start_time: '0',
    },
    actual_start_time: String(created + 10 * 60 * 1000),
    update_time: String(created + 20 * 60 * 1000),
    job_direction: 'up',
    db_use_type: task.dbUseType,
    need_restart: false,
    is_target_readonly: true,
    speed_limit: [],
    schema_type: 'Tungsten',
    object_switch: true,
    ...(task.masterJobId !== undefined && { master_job_id: task.masterJobId }),
    replace_definer: true,
    migrate_user: false,
    ...failureFields(task),
    az_code: 'eu-de-01',
    vpc_id: uuid(task.id, 'vpc'),
    subnet_id: uuid(task.id, 'subnet'),
    security_group_id: uuid(task.id, 'sg'),
    multi_write: task.multiWrite,
    support_ip_v6: false,
  };
}

/** The per-item shape for ids that cannot be answered (unknown or deleted). */
export function itemError(id: string, error: { code: string; message: string }): Record<string, unknown> {
  return { id, error_code: error.code, error_message: error.message };
}
