import { randomUUID } from 'node:crypto';
import { NO_DEADLINE, type Clock, type Deadline, type Sleep } from '../core/deadline.js';
import { DB_USE_TYPES, type DrsPort, type RetryLedger, type RunLogger, type RunSettings } from './ports.js';
import type { JobOutcome, TaskLabel } from '../core/outcomes.js';
import { uniqueIds } from '../core/plan.js';
import { buildReport, type Report, type RunError } from '../core/report.js';
import { isFailedStatus } from '../core/taskStatuses.js';
import { stopsTheRun, toRunError } from '../errors.js';
import { RetryPipeline, type PipelineProgress } from './pipeline.js';
import { DEFAULT_LEASE_BUDGET_MS, LEASE_MARGIN_MS, LedgerSession } from './ledgerSession.js';
import { verifyRetried } from './verify.js';
import { runWarnings } from './warnings.js';

/** A DRS connection for one project, made once credentials are known to work. */
export interface RunContext {
  drs: DrsPort;
  projectId: string;
}

export interface RunDependencies {
  /** Connects to DRS (resolving the project id); may throw AuthError. */
  connect(): Promise<RunContext>;
  /** Retry budgets and the run lease (lib/app opens the one the settings ask for). */
  ledger: RetryLedger;
  /** The run's time budget (also bounds the lease and the verification wait). */
  deadline?: Deadline;
  logger?: RunLogger;
  clock?: Clock;
  /** Waits before verification; injected so tests need not wait for real. */
  sleep?: Sleep;
  runId?: string;
  /** Called as status pages and retry batches settle, with the run's size (`requested`) beside. */
  onProgress?: (progress: RunProgress) => void;
}

/** Progress of a run: statuses read and retries answered, out of `requested` jobs. */
export type RunProgress = PipelineProgress & { requested: number };

/** What one run works with, fixed at its start. */
interface Run {
  config: RunSettings;
  deps: RunDependencies;
  runId: string;
  clock: Clock;
  deadline: Deadline;
  ledger: RetryLedger;
  log: RunLogger | undefined;
  /** What the run says about its set-up (Report.warnings), logged once at its start. */
  warnings: string[];
}

/** Where a run got to: the jobs in it, the outcomes settled, and why it stopped early, if it did. */
interface Settled {
  targets: readonly string[];
  outcomes: JobOutcome[];
  /** Names and scenarios of the tasks read, shown beside their ids. */
  labels?: ReadonlyMap<string, TaskLabel>;
  error?: RunError;
  /** Why the jobs without an outcome were not attempted, when no error says it. */
  why?: string;
}

/**
 * One run, end to end: connect → lease → discover → the read-plan-retry pipeline → verify →
 * report. It never throws for DRS or ledger trouble: a run-level failure is the report's
 * `error`, and the jobs it could not handle are `deferred`.
 */
export async function runAutoRetry(config: RunSettings, deps: RunDependencies): Promise<Report> {
  const clock = deps.clock ?? Date.now;
  const startedAt = clock();
  const run: Run = {
    config, deps, clock,
    runId: deps.runId ?? randomUUID(),
    deadline: deps.deadline ?? NO_DEADLINE,
    ledger: deps.ledger,
    log: deps.logger,
    warnings: runWarnings(config, deps.ledger),
  };
  for (const warning of run.warnings) run.log?.warn({}, warning);
  const configured = uniqueIds(config.jobIds);
  const report = (projectId: string, settled: Settled) => finishReport(run, startedAt, projectId, settled);

  let context: RunContext;
  try {
    context = await deps.connect();
  } catch (error) {
    // Not connected: the project id is known only if it was configured (a project name is no id).
    return report(config.projectId ?? '', { targets: configured, outcomes: [], error: toRunError(error) });
  }
  const stopped = await takeLease(run, context.projectId);
  if (stopped) return report(context.projectId, { targets: configured, outcomes: [], ...stopped });
  try {
    return report(context.projectId, await retryProject(run, context, configured));
  } catch (error) {
    // A bug, not DRS or ledger trouble (the steps report those): the jobs are left for the next run.
    return report(context.projectId, { targets: configured, outcomes: [], error: toRunError(error) });
  } finally {
    if (!config.dryRun) {
      await run.ledger.releaseLease(context.projectId, run.runId).catch((error: unknown) =>
        run.log?.warn({ error: toRunError(error) }, 'could not release the run lease; it expires by itself'));
    }
  }
}

/** Takes the project's run lease; says why the run must stop if it cannot. A dry run changes nothing, so it needs none. */
async function takeLease(run: Run, projectId: string): Promise<Pick<Settled, 'error' | 'why'> | undefined> {
  if (run.config.dryRun) return undefined;
  const remainingMs = run.deadline.remainingMs();
  const budgetMs = Number.isFinite(remainingMs) ? remainingMs : DEFAULT_LEASE_BUDGET_MS;
  try {
    const lease = await run.ledger.acquireLease(projectId, run.runId, run.clock(), budgetMs + LEASE_MARGIN_MS);
    if (lease.acquired) return undefined;
    run.log?.warn({ heldBy: lease.heldBy }, 'another run holds the lease');
    return { why: `another run holds the lease until ${new Date(lease.heldUntil).toISOString()}` };
  } catch (error) {
    return { error: toRunError(error) };
  }
}

/** Discovery, the pipeline and verification, for a connected run that holds the lease. */
async function retryProject(run: Run, context: RunContext, configured: string[]): Promise<Settled> {
  const { config, deps, log } = run;
  const discovered = await discover(config, context.drs, configured, log);
  const targets = discovered.targets;
  // A failed discovery still lets the configured jobs be handled; the report says it failed.
  const discoveryError = discovered.error === undefined ? undefined : toRunError(discovered.error);
  if (stopsTheRun(discovered.error)) return { targets, outcomes: [], error: discoveryError };

  const pipeline = new RetryPipeline({
    drs: context.drs,
    retryStatuses: new Set(config.retryStatuses),
    batchSize: config.batchSize,
    reEditAll: config.reEdit,
    dryRun: config.dryRun,
    parents: discovered.parents,
    listedFailureTexts: discovered.failureTexts,
    listed: discovered.listed,
    causeRules: config.causeRules,
    session: new LedgerSession(run.ledger, context.projectId, config.ledger, run.clock, config.dryRun),
    onProgress: deps.onProgress && ((progress) => deps.onProgress?.({ ...progress, requested: targets.length })),
    log,
  });
  const result = await pipeline.run(targets);
  const error = discoveryError ?? result.runError;
  // Without the ledger the budget and the lease cannot be kept: stop; what was settled is kept.
  if (result.ledgerFailed) return { targets, outcomes: result.outcomes, labels: result.labels, error };
  log?.info({ read: result.read }, 'status read and retries done');
  return { targets, outcomes: await verify(run, context.drs, result.outcomes), labels: result.labels, error };
}

/** With DRS_VERIFY_AFTER_MS: re-reads the retried jobs once, after the wait. */
async function verify(run: Run, drs: DrsPort, outcomes: JobOutcome[]): Promise<JobOutcome[]> {
  const { config, deadline, deps } = run;
  if (config.verifyAfterMs === undefined || config.dryRun) return outcomes;
  const verified = await verifyRetried(outcomes, drs, { verifyAfterMs: config.verifyAfterMs, timeoutMs: config.timeoutMs, deadline, sleep: deps.sleep });
  if (verified.skipped) run.log?.warn({ reason: verified.skipped }, 'verification skipped');
  return verified.outcomes;
}

/** The report: every job the run did not get to is `deferred`, with the reason it stopped. */
function finishReport(run: Run, startedAt: number, projectId: string, settled: Settled): Report {
  const done = new Set(settled.outcomes.map((o) => o.jobId));
  const reason = `not attempted: ${settled.error?.message ?? settled.why ?? 'the run stopped early'}`;
  const unsettled = settled.targets.filter((jobId) => !done.has(jobId)).map((jobId): JobOutcome => ({ jobId, outcome: 'deferred', reason }));
  const report = buildReport({
    runId: run.runId,
    trigger: run.config.trigger,
    dryRun: run.config.dryRun,
    region: run.config.region,
    projectId,
    startedAt,
    finishedAt: run.clock(),
    requestedIds: settled.targets,
    outcomes: [...settled.outcomes, ...unsettled],
    ...(settled.labels ? { labels: settled.labels } : {}),
    warnings: run.warnings,
    ...(settled.error ? { error: settled.error } : {}),
  });
  // The report's own counts, in its words: a person reading the log sees what the report says.
  run.log?.info({ summary: report.summary, durationMs: report.durationMs }, 'run done');
  return report;
}

/** With DRS_DISCOVER: lists every scenario and adds the tasks in a failed status. */
/** What discovery found. */
interface Discovered {
  targets: string[];
  parents: Set<string>;
  /** The list's failure texts (`error_msg`) of the failed tasks, by id. */
  failureTexts?: Map<string, string>;
  /** Every task id of the project, when discovery listed every scenario and engine type. */
  listed?: ReadonlySet<string>;
  error?: unknown;
}

async function discover(
  config: RunSettings,
  drs: DrsPort,
  configured: string[],
  log: RunLogger | undefined,
): Promise<Discovered> {
  const parents = new Set<string>();
  if (!config.discover) return { targets: configured, parents };
  try {
    const listed = (await Promise.all(DB_USE_TYPES.map((type) => drs.listJobs(type)))).flat();
    const found = listed.filter((task) => isFailedStatus(task.status));
    const failureTexts = new Map<string, string>();
    for (const task of found) {
      if (task.isParent) parents.add(task.id);
      if (task.failureText !== undefined) failureTexts.set(task.id, task.failureText);
    }
    const targets = uniqueIds([...configured, ...found.map((t) => t.id)]);
    log?.info({ discovered: found.length, added: targets.length - configured.length }, 'discovery done');
    return { targets, parents, failureTexts, listed: new Set(listed.map((task) => task.id)) };
  } catch (error) {
    return { targets: configured, parents, error };
  }
}
