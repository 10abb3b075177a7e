/**
 * The ports of the engine: the settings a run takes, what it needs from DRS, from the ledger and
 * from a logger, and the task shapes that cross them. The adapters (lib/drs, lib/ledger, pino)
 * fit them; tests and the benchmark may hand in others.
 */
import type { CauseRules } from '../core/causeRuleSet.js';
import type { JobRecord } from '../core/retryBudget.js';
import type { ToldRecord } from '../core/notifyMemory.js';
import type { TaskItem } from '../core/outcomes.js';
import type { Trigger } from '../core/report.js';
import type { DrsAutoRetryError } from '../errors.js';

/**
 * What one run is told to do, validated. lib/input's RunConfig has all of it (and what only the
 * composition root reads: credentials, endpoints, sinks), so it is handed in as it is.
 */
export interface RunSettings {
  trigger: Trigger;
  region: string;
  /** Known before connecting only when configured (a project name is no id). */
  projectId?: string;
  /** The jobs asked for, in first-seen order; discovery may add more. */
  jobIds: readonly string[];
  /** DRS_DISCOVER: list every scenario and add the failed tasks. */
  discover: boolean;
  retryStatuses: readonly string[];
  batchSize: number;
  dryRun: boolean;
  /** Per DRS call; also bounds the verification read. */
  timeoutMs: number;
  /** DRS_RE_EDIT: send `is_sync_re_edit` for every retried job. */
  reEdit: boolean;
  /** The retry budget a job gets per failure episode. */
  ledger: RetryBudgetSettings;
  /** DRS_VERIFY_AFTER_MS: re-read retried jobs this long after the retries; absent = off. */
  verifyAfterMs?: number;
  /** The failure-cause rules (the defaults changed by DRS_CAUSE_RULES); absent = the defaults. */
  causeRules?: CauseRules;
}

/** DRS_MAX_ATTEMPTS and DRS_BACKOFF_BASE_MS, as the ledger session applies them. */
export interface RetryBudgetSettings {
  maxAttempts: number;
  backoffBaseMs: number;
}

/** The three task scenarios; `POST /jobs` lists one at a time. */
export const DB_USE_TYPES = ['migration', 'sync', 'cloudDataGuard'] as const;
export type DbUseType = (typeof DB_USE_TYPES)[number];

/** A task's status plus what tells a dual-active parent from its children (batch-detail). */
export interface TaskDetail extends TaskItem {
  name?: string;
  /** True for a dual-active (multi-write) DR task, parent or child. */
  multiWrite: boolean;
  parentId?: string;
  masterJobId?: string;
  dbUseType?: string;
  /**
   * DRS's raw text of why the task failed (`failed_reason`). It may hold a credential: the engine
   * matches it against the cause rules, then only its masked form (core/failureText.ts) goes on.
   */
  failureText?: string;
}

/** A task found by listing a scenario; children of a dual-active parent are flattened. */
export interface ListedTask {
  id: string;
  name?: string;
  status?: string;
  dbUseType: DbUseType;
  /** Set on a child: the dual-active parent it belongs to. */
  parentId?: string;
  /** True for a dual-active parent (it has children); it must never be retried itself. */
  isParent: boolean;
  /** DRS's raw text of why the task failed (`error_msg`), as raw as TaskDetail's `failureText`. */
  failureText?: string;
}

/** One job to resume. */
export interface RetryItem {
  jobId: string;
  /** Sent as `is_sync_re_edit: true`: for tasks started after a re-edit. */
  reEdit?: boolean;
}

/** A read over many chunks: what came back, and the chunks that could not be read. */
export interface BatchRead<T> {
  items: T[];
  /**
   * Ids without an answer. `unreported`: DRS answered the chunk but left these ids out (as
   * opposed to a chunk that failed), so a listing that lacks them too means they are gone.
   */
  failures: Array<{ ids: string[]; error: DrsAutoRetryError; unreported?: boolean }>;
}

/** The DRS calls a run makes (DrsClient fits it). */
export interface DrsPort {
  listJobs(dbUseType: DbUseType): Promise<ListedTask[]>;
  /** Reads statuses in pages; `onChunk` gets each page as it arrives. */
  batchDetail(ids: readonly string[], onChunk?: (chunk: BatchRead<TaskDetail>) => void): Promise<BatchRead<TaskDetail>>;
  batchRetry(items: readonly RetryItem[]): Promise<TaskItem[]>;
}

/** The one DRS call a retry batch needs. */
export type RetryPort = Pick<DrsPort, 'batchRetry'>;

/** The answer to "may this run work on the project now?". */
export type LeaseResult = { acquired: true } | { acquired: false; heldBy: string; heldUntil: number };

/** A problem told to one sink (NOTIFY_ON=changes); a ledger keeps at most one per job and sink. */
export interface SinkToldRecord extends ToldRecord {
  /** The sink's name, as in `report.notifications`. */
  sink: string;
}

/**
 * Where retry budgets, the run lease and what the sinks were told live between runs. Adapters:
 * an in-memory ledger (stateless between invocations), DynamoDB and PostgreSQL; lib/app picks one.
 */
export interface RetryLedger {
  /**
   * True when what it stores outlives the process (DynamoDB, PostgreSQL). The in-memory ledger
   * is not: a warm container would remember by chance, so NOTIFY_ON=changes does not rely on it.
   */
  readonly persistent: boolean;
  /** The current episode of each job that has one. */
  readJobs(projectId: string, jobIds: readonly string[]): Promise<Map<string, JobRecord>>;
  writeJobs(projectId: string, records: readonly JobRecord[]): Promise<void>;
  /** These jobs were seen healthy: their episodes end, and their budgets start afresh. */
  endEpisodes(projectId: string, jobIds: readonly string[]): Promise<void>;
  /** Takes the project's lease unless another run holds one that has not expired. */
  acquireLease(projectId: string, runId: string, now: number, ttlMs: number): Promise<LeaseResult>;
  /** Gives the lease back, if this run still holds it. */
  releaseLease(projectId: string, runId: string): Promise<void>;
  /** NOTIFY_ON=changes: what each sink was told about these jobs' problems. */
  readTold(projectId: string, jobIds: readonly string[]): Promise<SinkToldRecord[]>;
  /**
   * Replaces what is remembered of each job in `byJob` with the records listed for it (none: the
   * job is forgotten). One record per job and sink; of two, the last wins. Other jobs are left alone.
   */
  writeTold(projectId: string, byJob: ReadonlyMap<string, readonly SinkToldRecord[]>): Promise<void>;
  /** Lets go of connections, for adapters that hold some; the ledger is not used after. */
  close?(): Promise<void>;
}

/**
 * The few logger methods a run uses (pino's Logger fits). Objects first, message second. Every
 * line already carries the run's id (lib/app binds it): a line that names it again would hold
 * the key twice.
 */
export interface RunLogger {
  /** LOG_LEVEL=debug: the plan's decision for each job. */
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}
