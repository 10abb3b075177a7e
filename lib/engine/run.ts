import { randomUUID } from 'node:crypto';
import type { RunConfig } from '../input/config.js';
import { NO_DEADLINE, type Clock, type Deadline } from '../core/deadline.js';
import type { DrsPort, RetryLedger, RunLogger } from './ports.js';
import type { JobOutcome } from '../core/outcomes.js';
import { uniqueIds } from '../core/plan.js';
import { buildReport, type Report } from '../core/report.js';
import { isFailedStatus } from '../core/taskStatuses.js';
import type { BatchRead, TaskDetail } from '../drs/types.js';
import { DB_USE_TYPES } from '../drs/types.js';
import { AuthError, DrsAutoRetryError, messageOf } from '../errors.js';
import { MemoryLedger } from '../ledger/memoryLedger.js';
import { RetryPipeline, type PipelineProgress } from './pipeline.js';
import { DEFAULT_LEASE_BUDGET_MS, LEASE_MARGIN_MS, LedgerSession } from './ledgerSession.js';
import { verifyRetried } from './verify.js';

/** A DRS connection for one project, made once credentials are known to work. */
export interface RunContext {
  drs: DrsPort;
  projectId: string;
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
  /** Called as status pages and retry batches settle, with the run's size (`requested`) beside. */
  onProgress?: (progress: RunProgress) => void;
}

/** Progress of a run: statuses read and retries answered, out of `requested` jobs. */
export type RunProgress = PipelineProgress & { requested: number };

type RunError = { code: string; message: string };

const toRunError = (error: unknown): RunError =>
  error instanceof DrsAutoRetryError
    ? { code: error.code, message: error.message }
    : { code: 'INTERNAL', message: messageOf(error) };

/**
 * One run, end to end: targets → lease → status read (batch-detail), with each page planned,
 * budgeted and retried in batches as it arrives → verify → report. It never throws for DRS or
 * ledger trouble: a run-level failure is the report's `error`, and the jobs it could not handle
 * are `deferred`.
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
  let pipeline: RetryPipeline | undefined;

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
      ...(pipeline ? { labels: pipeline.labels } : {}),
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

  const session = new LedgerSession(ledger, state.projectId, config.ledger, clock, config.dryRun);
  const merged = { decisions: false, retries: false };
  try {
    const discovered = await discover(config, context.drs, state.targets, log, runId);
    state.targets = discovered.targets;
    if (discovered.error) {
      // The configured jobs are still handled; the report says discovery failed.
      runError ??= toRunError(discovered.error);
      if (discovered.error instanceof AuthError) return finish();
    }

    const current = new RetryPipeline({
      drs: context.drs,
      retryStatuses: new Set(config.retryStatuses),
      batchSize: config.batchSize,
      reEditAll: config.reEdit,
      dryRun: config.dryRun,
      parents: discovered.parents,
      session,
      onProgress: deps.onProgress && ((progress) => deps.onProgress?.({ ...progress, requested: state.targets.length })),
    });
    pipeline = current;
    let read: BatchRead<TaskDetail> | undefined;
    try {
      read = await context.drs.batchDetail(state.targets, (page) => current.accept(page));
    } catch (error) {
      runError ??= toRunError(error);
    }
    await current.finish();
    outcomes.push(...current.outcomes);
    merged.decisions = true;
    if (current.runError) runError ??= current.runError;
    // Not one status came back: DRS is unreachable for us, which is a run-level failure.
    if (read && read.items.length === 0 && read.failures.length > 0) runError ??= toRunError(read.failures[0]?.error);
    log?.info({ runId, read: current.read, retried: current.allowed.length }, 'status read and retries done');

    const verifyAfterMs = config.verifyAfterMs;
    if (verifyAfterMs !== undefined && !config.dryRun) {
      const verified = await verifyRetried(current.retryOutcomes, context.drs, { verifyAfterMs, timeoutMs: config.timeoutMs, deadline, sleep: deps.sleep });
      if (verified.skipped) log?.warn({ runId, reason: verified.skipped }, 'verification skipped');
      outcomes.push(...verified.outcomes);
    } else {
      outcomes.push(...current.retryOutcomes);
    }
    merged.retries = true;
    return finish();
  } catch (error) {
    // The ledger failed: without it the budget and the lease cannot be kept, so stop here. What
    // was decided or sent before still gets its outcome.
    runError ??= toRunError(error);
    if (pipeline && !merged.decisions) outcomes.push(...pipeline.outcomes);
    if (pipeline && !merged.retries) outcomes.push(...pipeline.retryOutcomes);
    return finish();
  } finally {
    if (!config.dryRun) await ledger.releaseLease(state.projectId, runId).catch((error: unknown) => log?.warn({ runId, error: toRunError(error) }, 'could not release the run lease; it expires by itself'));
  }
}

/** With DRS_DISCOVER: lists every scenario and adds the tasks in a failed status. */
async function discover(
  config: RunConfig,
  drs: DrsPort,
  configured: string[],
  log: RunLogger | undefined,
  runId: string,
): Promise<{ targets: string[]; parents: Set<string>; error?: unknown }> {
  const parents = new Set<string>();
  if (!config.discover) return { targets: configured, parents };
  try {
    const lists = await Promise.all(DB_USE_TYPES.map((type) => drs.listJobs(type)));
    const found = lists.flat().filter((task) => isFailedStatus(task.status));
    for (const task of found) if (task.isParent) parents.add(task.id);
    const targets = uniqueIds([...configured, ...found.map((t) => t.id)]);
    log?.info({ runId, discovered: found.length, added: targets.length - configured.length }, 'discovery done');
    return { targets, parents };
  } catch (error) {
    return { targets: configured, parents, error };
  }
}
