import { randomUUID } from 'node:crypto';
import type { RunConfig } from './config.js';
import type { Clock } from './core/deadline.js';
import type { JobOutcome, ObservedTask } from './core/outcomes.js';
import { planRetries, uniqueIds } from './core/plan.js';
import { buildReport, type Report } from './core/report.js';
import { isFailedStatus } from './core/taskStatuses.js';
import type { BatchRead, DbUseType, ListedTask, TaskDetail } from './drs/types.js';
import { DB_USE_TYPES } from './drs/types.js';
import { AuthError, DrsAutoRetryError } from './errors.js';
import { executePlan, type RetryPort } from './execute.js';

/** The DRS calls a run makes (DrsClient fits it; tests and the benchmark may hand in others). */
export interface DrsPort extends RetryPort {
  listJobs(dbUseType: DbUseType): Promise<ListedTask[]>;
  batchDetail(ids: readonly string[]): Promise<BatchRead<TaskDetail>>;
}

/** A DRS connection for one project, made once credentials are known to work. */
export interface RunContext {
  drs: DrsPort;
  projectId: string;
}

/** The few logger methods a run uses (pino's Logger fits). Objects first, message second. */
export interface RunLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface RunDependencies {
  /** Connects to DRS (resolving the project id); may throw AuthError. */
  connect(): Promise<RunContext>;
  logger?: RunLogger;
  clock?: Clock;
  runId?: string;
  /** Called as jobs settle during the retry phase: (settled so far, total to retry). */
  onProgress?: (settled: number, total: number) => void;
}

type RunError = { code: string; message: string };

const toRunError = (error: unknown): RunError =>
  error instanceof DrsAutoRetryError
    ? { code: error.code, message: error.message }
    : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };

/**
 * One run, end to end: targets → one read phase (batch-detail) → plan → retry in chunks →
 * report. It never throws for DRS trouble: a run-level failure is the report's `error`, and the
 * jobs it could not handle are `deferred`.
 */
export async function runAutoRetry(config: RunConfig, deps: RunDependencies): Promise<Report> {
  const clock = deps.clock ?? Date.now;
  const startedAt = clock();
  const runId = deps.runId ?? randomUUID();
  const log = deps.logger;
  let targets = uniqueIds(config.jobIds);
  let projectId = config.projectId ?? config.projectName ?? '';
  const outcomes: JobOutcome[] = [];
  let runError: RunError | undefined;

  const finish = (): Report => {
    const settled = new Set(outcomes.map((o) => o.jobId));
    for (const jobId of targets) {
      if (!settled.has(jobId)) {
        outcomes.push({ jobId, outcome: 'deferred', reason: `not attempted: ${runError?.message ?? 'the run stopped early'}` });
      }
    }
    return buildReport({
      runId,
      trigger: config.trigger,
      dryRun: config.dryRun,
      region: config.region,
      projectId,
      startedAt,
      finishedAt: clock(),
      requestedIds: targets,
      outcomes,
      ...(runError ? { error: runError } : {}),
    });
  };

  let context: RunContext;
  try {
    context = await deps.connect();
    projectId = context.projectId;
  } catch (error) {
    runError = toRunError(error);
    return finish();
  }

  const parents = new Set<string>();
  if (config.discover) {
    try {
      const found = await discoverFailedTasks(context.drs);
      for (const task of found) if (task.isParent) parents.add(task.id);
      const before = targets.length;
      targets = uniqueIds([...targets, ...found.map((t) => t.id)]);
      log?.info({ runId, discovered: found.length, added: targets.length - before }, 'discovery done');
    } catch (error) {
      // The configured jobs are still handled; the report says discovery failed.
      runError = toRunError(error);
      if (error instanceof AuthError) return finish();
    }
  }

  const read = await context.drs.batchDetail(targets).catch((error: unknown) => {
    runError = toRunError(error);
    return undefined;
  });
  if (!read) return finish();
  const observed = new Map<string, ObservedTask>();
  for (const task of read.items) {
    observed.set(task.id, {
      id: task.id,
      status: task.status,
      errorCode: task.errorCode,
      errorMessage: task.errorMessage,
      isDualActiveParent: parents.has(task.id) || (task.multiWrite && task.parentId === undefined),
    });
  }
  const unread = new Map<string, string>();
  for (const failure of read.failures) {
    for (const id of failure.ids) unread.set(id, `status could not be read: ${failure.error.message}`);
  }
  if (read.items.length === 0 && read.failures.length > 0) {
    // Not one status came back: DRS is unreachable for us, which is a run-level failure.
    runError ??= toRunError(read.failures[0]?.error);
  }
  log?.info({ runId, read: read.items.length, unread: unread.size }, 'status read done');

  const plan = planRetries({
    jobIds: targets,
    observed,
    unread,
    retryStatuses: new Set(config.retryStatuses),
    batchSize: config.batchSize,
    reEditAll: config.reEdit,
  });
  outcomes.push(...plan.settled);
  const planned = plan.chunks.flat();

  if (config.dryRun) {
    for (const job of planned) {
      outcomes.push({ jobId: job.jobId, outcome: 'would_retry', status: job.status, reason: 'dry run: no retry was sent' });
    }
    return finish();
  }

  log?.info({ runId, toRetry: planned.length, chunks: plan.chunks.length }, 'retrying');
  let settled = 0;
  const executed = await executePlan(plan, context.drs, (count) => {
    settled += count;
    deps.onProgress?.(settled, planned.length);
  });
  outcomes.push(...executed.outcomes);
  if (executed.runError) runError ??= executed.runError;
  return finish();
}

/** Lists every scenario and keeps the tasks in a failed status (children flattened). */
async function discoverFailedTasks(drs: DrsPort): Promise<ListedTask[]> {
  const lists = await Promise.all(DB_USE_TYPES.map((type) => drs.listJobs(type)));
  return lists.flat().filter((task) => isFailedStatus(task.status));
}
