import type { JobRecord } from '../core/retryBudget.js';

/** The answer to "may this run work on the project now?". */
export type LeaseResult = { acquired: true } | { acquired: false; heldBy: string; heldUntil: number };

/**
 * Where retry budgets and the run lease live between runs. Owned by the core; adapters: an
 * in-memory ledger (the default: stateless between invocations) and DynamoDB.
 */
export interface RetryLedger {
  readonly kind: 'memory' | 'dynamodb';
  /** The current episode of each job that has one. */
  readJobs(projectId: string, jobIds: readonly string[]): Promise<Map<string, JobRecord>>;
  writeJobs(projectId: string, records: readonly JobRecord[]): Promise<void>;
  /** These jobs were seen healthy: their episodes end, and their budgets start afresh. */
  endEpisodes(projectId: string, jobIds: readonly string[]): Promise<void>;
  /** Takes the project's lease unless another run holds one that has not expired. */
  acquireLease(projectId: string, runId: string, now: number, ttlMs: number): Promise<LeaseResult>;
  /** Gives the lease back, if this run still holds it. */
  releaseLease(projectId: string, runId: string): Promise<void>;
}
