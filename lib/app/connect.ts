import { createCredentials } from '../auth/credentials.js';
import type { RunConfig } from '../input/index.js';
import type { Clock, Deadline } from '../core/deadline.js';
import { DrsClient } from '../drs/drsClient.js';
import { HttpClient, type ExchangeNotice, type RetryNotice } from '../http/httpClient.js';
import { AdaptiveRateLimiter } from '../http/rateLimiter.js';
import type { RetryOptions } from '../http/retryPolicy.js';
import type { RequestAuthorizer } from '../http/httpClient.js';
import type { RunContext } from '../engine/index.js';

export interface ConnectOptions {
  deadline: Deadline;
  clock?: Clock;
  /** Told about each retried HTTP attempt (for the log). */
  onRetry?: (notice: RetryNotice) => void;
  /** Told about every HTTP exchange (for the debug log). */
  onExchange?: (notice: ExchangeNotice) => void;
  /** Only tests and the benchmark shorten the backoff. */
  retry?: Partial<RetryOptions>;
  /** FunctionGraph: the AK/SK are the agency's; its token is tried once DRS refuses them. */
  agency?: { token?: string };
}

/** A run's DRS connection plus the credentials, which the SMN sink reuses. */
export interface Connection extends RunContext {
  authorizer: RequestAuthorizer;
}

/**
 * Wires the adapters for one run: an HTTP client bound to the run's deadline, the credential
 * provider the configuration asks for, the project id, and a DRS client under one
 * concurrency limit. Both faces use it, so the CLI and the function talk to DRS identically.
 */
export async function connectDrs(config: RunConfig, options: ConnectOptions): Promise<Connection> {
  const http = new HttpClient({
    timeoutMs: config.timeoutMs,
    deadline: options.deadline,
    onRetry: options.onRetry,
    onExchange: options.onExchange,
    retry: options.retry,
    proxies: config.proxies,
  });
  const credentials = createCredentials(config.auth, {
    http,
    authUrl: config.authUrl,
    projectId: config.projectId,
    projectName: config.projectName,
    clock: options.clock,
    agency: options.agency,
  });
  const projectId = await credentials.projectId();
  const drs = new DrsClient({
    http,
    authorizer: credentials.authorizer,
    endpoint: config.drsEndpoint,
    projectId,
    concurrency: config.concurrency,
    // One rate for all the run's DRS requests: throttling slows the whole run, not one request.
    rateLimiter: new AdaptiveRateLimiter({ giveUpAfterMs: options.retry?.throttleGiveUpAfterMs }),
  });
  return { drs, projectId, authorizer: credentials.authorizer };
}
