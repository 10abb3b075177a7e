import type { CauseRules } from '../core/causeRuleSet.js';
import type { JobOutcome, ObservedTask, TaskLabel } from '../core/outcomes.js';
import { planRetries, type PlannedJob } from '../core/plan.js';
import type { RunError } from '../core/report.js';
import { ApiError, toRunError } from '../errors.js';
import type { LedgerSession } from './ledgerSession.js';
import type { BatchRead, DrsPort, RunLogger, TaskDetail } from './ports.js';
import { retryBatch } from './retryBatch.js';

export interface PipelineOptions {
  drs: Pick<DrsPort, 'batchDetail' | 'batchRetry'>;
  retryStatuses: ReadonlySet<string>;
  batchSize: number;
  reEditAll: boolean;
  dryRun: boolean;
  /** Dual-active parents found by listing (batch-detail tells the others). */
  parents: ReadonlySet<string>;
  /** The list's failure text (`error_msg`) of each task discovery found; batch-detail's `failed_reason` wins. */
  listedFailureTexts?: ReadonlyMap<string, string>;
  /**
   * Every task of the project, when this run listed them all (DRS_DISCOVER). An id batch-detail
   * leaves out and this lacks too is gone: `not_found`. Without it, such an id is `deferred`.
   */
  listed?: ReadonlySet<string>;
  /** The failure-cause rules; absent = the defaults. */
  causeRules?: CauseRules;
  session: LedgerSession;
  onProgress?: (progress: PipelineProgress) => void;
  /** LOG_LEVEL=debug: the plan's decision for each job. */
  log?: RunLogger;
}

/** How far the read and the retries are: each status page and each retry batch reports it. */
export interface PipelineProgress {
  /** Jobs whose status read has settled (read, or given up on). */
  read: number;
  /** Retries answered so far, and retries planned so far (the total grows as pages arrive). */
  retried: number;
  toRetry: number;
}

/** What the pipeline settled for the jobs it read. */
export interface PipelineResult {
  /** Every outcome settled: classification, budget, retries. Jobs it never got to have none. */
  outcomes: JobOutcome[];
  /** Statuses read, for the log. */
  read: number;
  /** Name and scenario of every task read, for the report. */
  labels: ReadonlyMap<string, TaskLabel>;
  /** The first run-level failure: authentication, no status readable at all, or the ledger. */
  runError?: RunError;
  /** The ledger failed: budgets and episodes could not be kept, so the run must stop here. */
  ledgerFailed: boolean;
}

/**
 * Plans and retries while the status read is still going: each page of statuses is classified
 * and gated as soon as it arrives, and a retry batch goes out whenever `batchSize` retryable
 * jobs are waiting. Reads and retries share one queue of DRS_CONCURRENCY slots, so no slot idles
 * at a phase boundary, and the batches are as full as in a read-everything-first run.
 */
export class RetryPipeline {
  private readonly outcomes: JobOutcome[] = [];
  /** Jobs whose retry went (or goes) out: the ledger counts their attempts. */
  private readonly allowed: PlannedJob[] = [];
  private readonly labels = new Map<string, TaskLabel>();
  private runError: RunError | undefined;
  private read = 0;
  private readSettled = 0;
  private waiting: PlannedJob[] = [];
  private readonly pages: Promise<void>[] = [];
  private readonly batches: Promise<void>[] = [];
  private sent = 0;

  constructor(private readonly options: PipelineOptions) {}

  /** Reads the status of `ids` (batch-detail), and plans, gates and retries each page as it arrives. */
  async run(ids: readonly string[]): Promise<PipelineResult> {
    let read: BatchRead<TaskDetail> | undefined;
    try {
      read = await this.options.drs.batchDetail(ids, (page) => this.pages.push(this.handle(page)));
    } catch (error) {
      this.runError ??= toRunError(error);
    }
    const ledgerError = await this.finish();
    if (ledgerError !== undefined) this.runError ??= toRunError(ledgerError);
    // Not one status came back: DRS is unreachable for us, which is a run-level failure.
    const unreadable = read?.items.length === 0 ? read.failures[0] : undefined;
    if (unreadable !== undefined) this.runError ??= toRunError(unreadable.error);
    return {
      outcomes: this.outcomes,
      read: this.read,
      labels: this.labels,
      ...(this.runError ? { runError: this.runError } : {}),
      ledgerFailed: ledgerError !== undefined,
    };
  }

  /** Sends what is left, waits for every batch (and its ledger record), and returns the first ledger failure. */
  private async finish(): Promise<unknown> {
    const pages = await Promise.allSettled(this.pages);
    this.dispatch(this.waiting.splice(0));
    // Every batch is waited for, even after a failure: a retry in flight must get its outcome.
    const batches = await Promise.allSettled(this.batches);
    return [...pages, ...batches].find((p): p is PromiseRejectedResult => p.status === 'rejected')?.reason;
  }

  private async handle(page: BatchRead<TaskDetail>): Promise<void> {
    const observed = new Map<string, ObservedTask>();
    const failureTexts = new Map<string, string>();
    for (const task of page.items) {
      // failed_reason is read right before the retry; the list's error_msg, read earlier, comes
      // next; error_message (DRS's message beside error_code) is the last resort, so that a cause
      // that needs a person is not retried blindly because one field was left empty.
      const text = task.failureText ?? this.options.listedFailureTexts?.get(task.id) ?? task.errorMessage;
      if (text !== undefined) failureTexts.set(task.id, text);
      if (task.name !== undefined || task.dbUseType !== undefined) this.labels.set(task.id, { name: task.name, type: task.dbUseType });
      observed.set(task.id, {
        id: task.id,
        status: task.status,
        errorCode: task.errorCode,
        errorMessage: task.errorMessage,
        isDualActiveParent: this.options.parents.has(task.id) || (task.multiWrite && task.parentId === undefined),
      });
    }
    const { unread, unreadCodes, gone } = unreadIds(page.failures, this.options.listed);
    this.outcomes.push(...gone);
    this.read += page.items.length;
    this.readSettled += page.items.length + unread.size + gone.length;
    const plan = planRetries({
      jobIds: [...observed.keys(), ...unread.keys()],
      observed,
      unread,
      retryStatuses: this.options.retryStatuses,
      batchSize: this.options.batchSize,
      reEditAll: this.options.reEditAll,
      failureTexts,
      causeRules: this.options.causeRules,
    });
    // A cause that needs a person is settled here, by the plan: it never reaches the budget gate.
    this.outcomes.push(...plan.settled.map((outcome) => ({ ...outcome, ...unreadCodes.get(outcome.jobId) })));
    await this.options.session.load(observed);
    const planned = plan.chunks.flat();
    const gated = await this.options.session.gate(planned);
    const budgeted = withFailures(gated.settled, planned);
    this.outcomes.push(...budgeted);
    this.logDecisions([...plan.settled, ...budgeted], gated.allowed);
    if (this.options.dryRun) {
      for (const job of gated.allowed) this.outcomes.push({ jobId: job.jobId, outcome: 'would_retry', status: job.status, reason: 'dry run: no retry was sent', ...job.failure });
      this.reportProgress();
      return;
    }
    this.allowed.push(...gated.allowed);
    this.waiting.push(...gated.allowed);
    this.reportProgress();
    while (this.waiting.length >= this.options.batchSize) this.dispatch(this.waiting.splice(0, this.options.batchSize));
  }

  /**
   * LOG_LEVEL=debug: per job, its status, its cause and what was decided: an outcome of the
   * report's when settled without a retry, else `retry` (`would_retry` in a dry run).
   */
  private logDecisions(settled: readonly JobOutcome[], allowed: readonly PlannedJob[]): void {
    const { log, dryRun } = this.options;
    if (log === undefined) return;
    for (const job of settled) {
      log.debug({ job: { jobId: job.jobId, status: job.status, cause: job.cause?.id, decision: job.outcome, reason: job.reason } }, 'plan decision');
    }
    for (const job of allowed) {
      log.debug({ job: { jobId: job.jobId, status: job.status, cause: job.failure?.cause?.id, decision: dryRun ? 'would_retry' : 'retry' } }, 'plan decision');
    }
  }

  private reportProgress(): void {
    this.options.onProgress?.({ read: this.readSettled, retried: this.sent, toRetry: this.allowed.length });
  }

  private dispatch(batch: PlannedJob[]): void {
    if (batch.length > 0) this.batches.push(this.retry(batch));
  }

  private async retry(batch: PlannedJob[]): Promise<void> {
    const result = await retryBatch(batch, this.options.drs);
    // The outcomes are kept before the ledger write: a ledger failure must not lose a job.
    this.outcomes.push(...withFailures(result.outcomes, batch));
    if (result.runError) this.runError ??= result.runError;
    this.sent += result.outcomes.length;
    this.reportProgress();
    // Recorded per batch, while other requests are in flight, rather than after the last one.
    await this.options.session.recordBatch(batch, result.outcomes);
  }
}

/** An id batch-detail leaves out while the project's full listing lacks it too. */
const GONE = 'DRS does not report this task, and the project\'s task list (every scenario and engine type) does not hold it: deleted, or not a task of this project';
/** Why a left-out id stays deferred without a listing, and how to get a verdict. */
const UNREPORTED_HINT = '; with DRS_DISCOVER=true a run also lists the project\'s tasks and ends a task that is gone as not_found';

/**
 * The ids a page has no status for. Those DRS left out while the project's full listing lacks
 * them too are gone (`not_found`); the rest are unread, with why, and with DRS's own code when it
 * answered the read with an error inside a 2xx (say 202 DRS.M01504).
 */
function unreadIds(failures: BatchRead<TaskDetail>['failures'], listed: ReadonlySet<string> | undefined) {
  const unread = new Map<string, string>();
  const unreadCodes = new Map<string, Pick<JobOutcome, 'errorCode' | 'errorMessage'>>();
  const gone: JobOutcome[] = [];
  for (const { ids, error, unreported } of failures) {
    const code = error instanceof ApiError && error.inSuccessStatus
      ? { errorCode: error.apiCode, ...(error.apiMessage ? { errorMessage: error.apiMessage } : {}) }
      : undefined;
    const hint = unreported && listed === undefined ? UNREPORTED_HINT : '';
    for (const id of ids) {
      if (unreported && listed !== undefined && !listed.has(id)) {
        gone.push({ jobId: id, outcome: 'not_found', reason: GONE });
        continue;
      }
      unread.set(id, `status could not be read: ${error.message}${hint}`);
      if (code) unreadCodes.set(id, code);
    }
  }
  return { unread, unreadCodes, gone };
}

/** The outcomes with the failure fields (failureReason, cause) of the planned job each belongs to. */
function withFailures(outcomes: readonly JobOutcome[], jobs: readonly PlannedJob[]): JobOutcome[] {
  const failures = new Map(jobs.map((job) => [job.jobId, job.failure]));
  return outcomes.map((outcome) => ({ ...outcome, ...failures.get(outcome.jobId) }));
}
