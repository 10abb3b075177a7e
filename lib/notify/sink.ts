import type { Report } from '../core/report.js';
import type { ExchangeNotice, HttpClient, RequestAuthorizer } from '../http/httpClient.js';
import type { Proxies } from '../http/proxy.js';
import type { RetryOptions } from '../http/retryPolicy.js';

/** The sinks of README "Notifications", by the name they carry in `report.notifications`. */
export type SinkName = 'webhook' | 'slack' | 'teams' | 'smn';

/** One place a report is sent to. `send` rejects when the report did not get there. */
export interface Sink {
  readonly name: SinkName;
  send(report: Report): Promise<void>;
}

/** What a sink sends with: an HTTP client of its own, so each sink has its own timeout and retry bound. */
export type SinkClient = Pick<HttpClient, 'request'>;

/** Where SMN publishes, with the credentials DRS uses (token or AK/SK). */
export interface SmnTarget {
  authorizer: RequestAuthorizer;
  /** SMN_ENDPOINT: scheme + host[:port]. */
  endpoint: string;
  projectId: string;
}

/** What the sinks need besides their options. */
export interface SinkDependencies {
  /** For SMN only; absent when the run never got credentials (then the SMN sink reports ok:false with a clear error). */
  smn?: SmnTarget;
  /** Per attempt, default 5000. */
  timeoutMs?: number;
  /** Default { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2000 }. */
  retry?: Partial<RetryOptions>;
  /** The run's proxies (README "Network and proxies"); none: direct. */
  proxies?: Proxies;
  /** Told about every HTTP exchange of every sink (for the debug log). */
  onExchange?: (notice: ExchangeNotice) => void;
}

/** How one sink talks HTTP: its own timeout and retry bound, through the run's proxies. */
export interface DeliveryOptions {
  timeoutMs: number;
  retry: RetryOptions;
  proxies?: Proxies;
  onExchange?: (notice: ExchangeNotice) => void;
}

/**
 * A notification is a side channel: it gets a few short attempts, so that a dead receiver
 * delays the end of the run by seconds, not by the run's whole retry budget.
 */
export const DEFAULT_DELIVERY: DeliveryOptions = {
  timeoutMs: 5_000,
  retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 2_000 },
};
