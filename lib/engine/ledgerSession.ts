import type { RetryBudgetSettings, RetryLedger } from './ports.js';
import type { JobOutcome, ObservedTask } from '../core/outcomes.js';
import type { PlannedJob } from '../core/plan.js';
import { BACKOFF_CAP_MS, gateByBudget, recordAttempt, type JobRecord } from '../core/retryBudget.js';
import { NON_FAILED_STATUSES } from '../core/taskStatuses.js';

/** Outcomes that mean a retry request for the job reached DRS and was answered. */
const ATTEMPTED: ReadonlySet<JobOutcome['outcome']> = new Set(['retried', 'retry_failed']);

/**
 * The ledger's part of one run, for one project: episodes, the budget gate, and the
 * bookkeeping of each retry batch. Every method talks to the ledger once, in bulk.
 */
export class LedgerSession {
  private readonly records = new Map<string, JobRecord>();

  constructor(
    private readonly ledger: RetryLedger,
    private readonly projectId: string,
    private readonly settings: RetryBudgetSettings,
    private readonly clock: () => number,
    /** A dry run reads the budgets, to say what a real run would do, but changes nothing. */
    private readonly readOnly = false,
  ) {}

  /**
   * Reads the episodes of one page of observed jobs and ends those of jobs seen healthy again
   * (running or complete): their budget starts afresh the next time they fail.
   */
  async load(observed: ReadonlyMap<string, ObservedTask>): Promise<void> {
    // Pages load concurrently: each adds its own records, none replaces another's.
    const found = await this.ledger.readJobs(this.projectId, [...observed.keys()]);
    for (const [id, record] of found) this.records.set(id, record);
    const recovered = [...found.keys()].filter((id) => {
      const status = observed.get(id)?.status;
      return status !== undefined && NON_FAILED_STATUSES.has(status);
    });
    if (recovered.length === 0) return;
    if (!this.readOnly) await this.ledger.endEpisodes(this.projectId, recovered);
    for (const id of recovered) this.records.delete(id);
  }

  /** Splits the planned jobs into those the budget allows now and those it settles. */
  async gate(planned: readonly PlannedJob[]): Promise<{ allowed: PlannedJob[]; settled: JobOutcome[] }> {
    const policy = { maxAttempts: this.settings.maxAttempts, backoffBaseMs: this.settings.backoffBaseMs, backoffCapMs: BACKOFF_CAP_MS };
    const result = gateByBudget(planned, this.records, this.clock(), policy);
    if (result.escalated.length > 0) {
      if (!this.readOnly) await this.ledger.writeJobs(this.projectId, result.escalated);
      for (const record of result.escalated) this.records.set(record.jobId, record);
    }
    return { allowed: result.allowed, settled: result.settled };
  }

  /**
   * Counts each retry of one answered batch that reached DRS against its job's budget, and opens
   * an episode for every job of the batch seen failed for the first time, even if its retry did
   * not reach DRS. Called per batch, so the writes overlap the requests still in flight.
   */
  async recordBatch(allowed: readonly PlannedJob[], outcomes: readonly JobOutcome[]): Promise<void> {
    if (this.readOnly) return;
    const now = this.clock();
    const byId = new Map(outcomes.map((o) => [o.jobId, o]));
    const changed: JobRecord[] = [];
    for (const job of allowed) {
      const record = this.records.get(job.jobId);
      const outcome = byId.get(job.jobId)?.outcome;
      if (outcome !== undefined && ATTEMPTED.has(outcome)) changed.push(recordAttempt(record, job.jobId, now));
      else if (record === undefined) changed.push({ jobId: job.jobId, episodeStartedAt: now, attempts: 0 });
    }
    if (changed.length > 0) await this.ledger.writeJobs(this.projectId, changed);
  }
}

/** How long the run lease lasts: the run's budget plus a margin, so a crashed run frees it. */
export const LEASE_MARGIN_MS = 60_000;
/** The budget assumed for the lease when the run has none (the CLI without --deadline-ms). */
export const DEFAULT_LEASE_BUDGET_MS = 15 * 60_000;
