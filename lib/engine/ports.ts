/**
 * The ports of the engine: what a run needs from DRS, from the ledger and from a logger. The
 * adapters (lib/drs, lib/ledger, pino) fit them; tests and the benchmark may hand in others.
 */
import type { JobRecord } from '../core/retryBudget.js';
import type { TaskItem } from '../core/outcomes.js';
import type { BatchRead, DbUseType, ListedTask, TaskDetail } from '../drs/types.js';

/** The DRS calls a run makes (DrsClient fits it). */
export interface DrsPort {
  listJobs(dbUseType: DbUseType): Promise<ListedTask[]>;
  /** Reads statuses in pages; `onChunk` gets each page as it arrives. */
  batchDetail(ids: readonly string[], onChunk?: (chunk: BatchRead<TaskDetail>) => void): Promise<BatchRead<TaskDetail>>;
  batchRetry(items: ReadonlyArray<{ jobId: string; reEdit?: boolean }>): Promise<TaskItem[]>;
}

/** The one DRS call a retry batch needs. */
export type RetryPort = Pick<DrsPort, 'batchRetry'>;

/** The answer to "may this run work on the project now?". */
export type LeaseResult = { acquired: true } | { acquired: false; heldBy: string; heldUntil: number };

/**
 * Where retry budgets and the run lease live between runs. Adapters: an in-memory ledger (the
 * default: stateless between invocations), DynamoDB and PostgreSQL.
 */
export interface RetryLedger {
  /** The current episode of each job that has one. */
  readJobs(projectId: string, jobIds: readonly string[]): Promise<Map<string, JobRecord>>;
  writeJobs(projectId: string, records: readonly JobRecord[]): Promise<void>;
  /** These jobs were seen healthy: their episodes end, and their budgets start afresh. */
  endEpisodes(projectId: string, jobIds: readonly string[]): Promise<void>;
  /** Takes the project's lease unless another run holds one that has not expired. */
  acquireLease(projectId: string, runId: string, now: number, ttlMs: number): Promise<LeaseResult>;
  /** Gives the lease back, if this run still holds it. */
  releaseLease(projectId: string, runId: string): Promise<void>;
  /** Lets go of connections, for adapters that hold some; the ledger is not used after. */
  close?(): Promise<void>;
}

/** The few logger methods a run uses (pino's Logger fits). Objects first, message second. */
export interface RunLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}
