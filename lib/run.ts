import { randomUUID } from 'node:crypto';
import type { RunConfig } from './config.js';
import { NO_DEADLINE, type Clock, type Deadline } from './core/deadline.js';
import type { RetryLedger } from './core/ledger.js';
import type { JobOutcome, ObservedTask } from './core/outcomes.js';
import { planRetries, uniqueIds } from './core/plan.js';
import { buildReport, type Report } from './core/report.js';
import { isFailedStatus } from './core/taskStatuses.js';
import type { BatchRead, DbUseType, ListedTask, TaskDetail } from './drs/types.js';
import { DB_USE_TYPES } from './drs/types.js';
import { AuthError, DrsAutoRetryError } from './errors.js';
import { executePlan, type RetryPort } from './execute.js';
import { MemoryLedger } from './ledger/memoryLedger.js';
import { DEFAULT_LEASE_BUDGET_MS, LEASE_MARGIN_MS, LedgerSession } from './runLedger.js';
import { verifyRetried } from './verify.js';

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
  /** Retry budgets and the run lease; default: in memory, i.e. stateless between runs. */
  ledger?: RetryLedger;
  /** The run's time budget (also bounds the lease and the verification wait). */
  deadline?: Deadline;
  logger?: RunLogger;
  clock?: Clock;
  /** Waits before verification; injected so tests need not wait for real. */
  sleep?: (ms: number) => Promise<void>;
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
 * One run, end to end: targets → lease → one read phase (batch-detail) → plan → budget →
 * retry in chunks → verify → report. It never throws for DRS or ledger trouble: a run-level
 * failure is the report's `error`, and the jobs it could not handle are `deferred`.
 */
export async function runAutoRetry(config: RunConfig, deps: RunDependencies): Promise<Report> {
  const clock = deps.clock ?? Date.now;
  const deadline = deps.deadline ?? NO_DEADLINE;
  const startedAt = clock();
  const runId = deps.runId ?? randomUUID();
  const log = deps.logger;
  const ledger = deps.ledger ?? new MemoryLedger();
  const state = { targets: uniqueIds(config.jobIds), projectId: config.projectId ?? config.projectName ?? '' };
  const outcomes: JobOutcome[] = [];
  let runError: RunError | undefined;

  const finish = (why = 'the run stopped early'): Report => {
    const settled = new Set(outcomes.map((o) => o.jobId));
    for (const jobId of state.targets) {
      if (!settled.has(jobId)) outcomes.push({ jobId, outcome: 'deferred', reason: `not attempted: ${runError?.message ?? why}` });
    }
    return buildReport({
      runId,
      trigger: config.trigger,
      dryRun: config.dryRun,
      region: config.region,
      projectId: state.projectId,
      startedAt,
      finishedAt: clock(),
      requestedIds: state.targets,
      outcomes,
      ...(runError ? { error: runError } : {}),
    });
  };

  let context: RunContext;
  try {
    context = await deps.connect();
    state.projectId = context.projectId;
  } catch (error) {
    runError = toRunError(error);
    return finish();
  }

  // A dry run changes nothing, so it needs no lease and writes no budget.
  if (!config.dryRun) {
    const budgetMs = Number.isFinite(deadline.remainingMs()) ? deadline.remainingMs() : DEFAULT_LEASE_BUDGET_MS;
    try {
      const lease = await ledger.acquireLease(state.projectId, runId, clock(), budgetMs + LEASE_MARGIN_MS);
      if (!lease.acquired) {
        log?.warn({ runId, heldBy: lease.heldBy }, 'another run holds the lease');
        return finish(`another run holds the lease until ${new Date(lease.heldUntil).toISOString()}`);
      }
    } catch (error) {
      runError = toRunError(error);
      return finish();
    }
  }

  try {
    const session = new LedgerSession(ledger, state.projectId, config.ledger, clock);
    const read = await readTargets(config, context.drs, state.targets, (error) => (runError ??= toRunError(error)), log, runId);
    state.targets = read.targets;
    if (!read.observed) return finish();

    const plan = planRetries({
      jobIds: state.targets,
      observed: read.observed,
      unread: read.unread,
      retryStatuses: new Set(config.retryStatuses),
      batchSize: config.batchSize,
      reEditAll: config.reEdit,
    });
    outcomes.push(...plan.settled);
    const planned = plan.chunks.flat();

    if (config.dryRun) {
      for (const job of planned) outcomes.push({ jobId: job.jobId, outcome: 'would_retry', status: job.status, reason: 'dry run: no retry was sent' });
      return finish();
    }

    await session.load(read.observed);
    const gated = await session.gate(planned);
    outcomes.push(...gated.settled);
    const chunks: (typeof planned)[] = [];
    for (let i = 0; i < gated.allowed.length; i += config.batchSize) chunks.push(gated.allowed.slice(i, i + config.batchSize));

    log?.info({ runId, toRetry: gated.allowed.length, chunks: chunks.length, heldBack: gated.settled.length }, 'retrying');
    let settled = 0;
    const executed = await executePlan({ settled: [], chunks }, context.drs, (count) => {
      settled += count;
      deps.onProgress?.(settled, gated.allowed.length);
    });
    if (executed.runError) runError ??= executed.runError;
    await session.recordRun(gated.allowed, executed.outcomes);

    const verifyAfterMs = config.ledger.verifyAfterMs;
    if (verifyAfterMs !== undefined) {
      const verified = await verifyRetried(executed.outcomes, context.drs, { verifyAfterMs, timeoutMs: config.timeoutMs, deadline, sleep: deps.sleep });
      if (verified.skipped) log?.warn({ runId, reason: verified.skipped }, 'verification skipped');
      outcomes.push(...verified.outcomes);
    } else {
      outcomes.push(...executed.outcomes);
    }
    return finish();
  } catch (error) {
    // The ledger failed: without it the budget and the lease cannot be kept, so stop here.
    runError ??= toRunError(error);
    return finish();
  } finally {
    if (!config.dryRun) await ledger.releaseLease(state.projectId, runId).catch((error: unknown) => log?.warn({ runId, error: toRunError(error) }, 'could not release the run lease; it expires by itself'));
  }
}

interface ReadResult {
  targets: string[];
  observed?: Map<string, ObservedTask>;
  unread: Map<string, string>;
}

/** Discovery (optional) and the one status read; reports failures through `fail`. */
async function readTargets(
  config: RunConfig,
  drs: DrsPort,
  configured: string[],
  fail: (error: unknown) => void,
  log: RunLogger | undefined,
  runId: string,
): Promise<ReadResult> {
  let targets = configured;
  const parents = new Set<string>();
  const unread = new Map<string, string>();
  if (config.discover) {
    try {
      const lists = await Promise.all(DB_USE_TYPES.map((type) => drs.listJobs(type)));
      const found = lists.flat().filter((task) => isFailedStatus(task.status));
      for (const task of found) if (task.isParent) parents.add(task.id);
      targets = uniqueIds([...targets, ...found.map((t) => t.id)]);
      log?.info({ runId, discovered: found.length, added: targets.length - configured.length }, 'discovery done');
    } catch (error) {
      // The configured jobs are still handled; the report says discovery failed.
      fail(error);
      if (error instanceof AuthError) return { targets, unread };
    }
  }
  let read: BatchRead<TaskDetail>;
  try {
    read = await drs.batchDetail(targets);
  } catch (error) {
    fail(error);
    return { targets, unread };
  }
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
  for (const failure of read.failures) {
    for (const id of failure.ids) unread.set(id, `status could not be read: ${failure.error.message}`);
  }
  // Not one status came back: DRS is unreachable for us, which is a run-level failure.
  if (read.items.length === 0 && read.failures.length > 0) fail(read.failures[0]?.error);
  log?.info({ runId, read: read.items.length, unread: unread.size }, 'status read done');
  return { targets, observed, unread };
}
