import type { FaultKind } from './faults.js';
import type { EmulatorRoute } from './types.js';

/** The credentials a request carried (not whether they were accepted). */
export type AuthKind = 'token' | 'aksk' | 'none';

/** One request as the emulator saw it, faulted requests included. */
export interface LogEntry {
  /** Increases by one per request over the emulator's lifetime, even across `clear()`. */
  seq: number;
  route: EmulatorRoute;
  method: string;
  /** Path as received (still percent-encoded), without the query string. */
  path: string;
  projectId?: string;
  /** Parsed JSON body, or `undefined` when absent or not JSON. */
  body: unknown;
  /** Request headers with lower-case names. */
  headers: Record<string, string>;
  /** HTTP status sent, or 0 when the request was reset, hung, or abandoned. */
  status: number;
  auth: AuthKind;
  /** The access key named in an SDK-HMAC-SHA256 Authorization header, so tests can tell which key signed. */
  accessKey?: string;
  /** The X-Security-Token as received: tests prove a temporary key travelled with its token. */
  securityToken?: string;
  fault?: FaultKind;
  /** Answered 400 DRS.M01503 by the emulator's rate limit (`rateLimit`). */
  rateLimited?: boolean;
  /** Wall-clock ms (Date.now), not the emulator clock, so durations stay real when tests mock time. */
  startedAt: number;
  finishedAt?: number;
  /**
   * True when the operation itself answered: no fault, no rate limit, credentials accepted. A
   * batch-retry-task request that is `served` is one whose jobs DRS acted on (per item).
   */
  served?: boolean;
  /** Set when a handler threw: the emulator itself has a bug. */
  error?: string;
}

/** Which batch-retry-task requests {@link RequestLog.retryBatches} counts. */
export interface RetryFilter {
  /** Only requests the retry operation answered itself (see {@link LogEntry.served}); default: every request sent. */
  served?: boolean;
}

function jobIdsOf(body: unknown): string[] {
  const jobs = (body as { jobs?: unknown } | undefined)?.jobs;
  if (!Array.isArray(jobs)) return [];
  return jobs.flatMap((job: unknown) => {
    const id = (job as { job_id?: unknown } | null)?.job_id;
    return typeof id === 'string' ? [id] : [];
  });
}

/** What the server knows about a request when it arrives. */
export type LogEntryStart = Pick<LogEntry, 'route' | 'method' | 'path' | 'projectId' | 'headers' | 'auth' | 'accessKey' | 'securityToken'>;

const ALL = '*';

/** Every request the emulator received, plus in-flight accounting for concurrency tests. */
export class RequestLog {
  #entries: LogEntry[] = [];
  #seq = 0;
  #live = new Map<string, number>();
  #peak = new Map<string, number>();

  /** A copy of the entries in arrival order; the entry objects themselves update as requests finish. */
  get entries(): LogEntry[] {
    return [...this.#entries];
  }

  byRoute(route: EmulatorRoute): LogEntry[] {
    return this.#entries.filter((entry) => entry.route === route);
  }

  /** The job ids of each batch-retry-task request, in arrival order (a batch split in two shows as two). */
  retryBatches(filter: RetryFilter = {}): string[][] {
    return this.byRoute('batch-retry')
      .filter((entry) => !filter.served || entry.served === true)
      .map((entry) => jobIdsOf(entry.body));
  }

  /** Every job id sent to batch-retry-task, in order; a job sent twice appears twice. */
  retriedJobIds(filter: RetryFilter = {}): string[] {
    return this.retryBatches(filter).flat();
  }

  /** The most requests (of one route, or of all) being processed at the same instant since start or `clear()`. */
  peakInFlight(route?: EmulatorRoute): number {
    return this.#peak.get(route ?? ALL) ?? 0;
  }

  /** Requests (of one route, or of all) being processed right now. */
  inFlight(route?: EmulatorRoute): number {
    return this.#live.get(route ?? ALL) ?? 0;
  }

  /** Forgets entries and peaks; requests still in flight keep counting toward the new peaks. */
  clear(): void {
    this.#entries = [];
    this.#peak = new Map(this.#live);
  }

  /** Called by the server when a request arrives. */
  begin(start: LogEntryStart): LogEntry {
    const entry: LogEntry = { seq: ++this.#seq, ...start, body: undefined, status: 0, startedAt: Date.now() };
    for (const key of ['projectId', 'accessKey', 'securityToken'] as const) if (entry[key] === undefined) delete entry[key];
    this.#entries.push(entry);
    for (const key of [entry.route, ALL]) {
      const live = (this.#live.get(key) ?? 0) + 1;
      this.#live.set(key, live);
      this.#peak.set(key, Math.max(live, this.#peak.get(key) ?? 0));
    }
    return entry;
  }

  /** Called by the server when the response ends or the socket closes; later calls are ignored. */
  finish(entry: LogEntry, status: number): void {
    if (entry.finishedAt !== undefined) return;
    entry.status = status;
    entry.finishedAt = Date.now();
    for (const key of [entry.route, ALL]) {
      this.#live.set(key, (this.#live.get(key) ?? 1) - 1);
    }
  }
}
