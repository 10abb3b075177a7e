import { NO_DEADLINE, sleep, type Deadline, type Sleep } from '../core/deadline.js';
import { ApiError, AuthError, DEADLINE_EXCEEDED, DeadlineExceededError, PermissionError } from '../errors.js';
import { parseOtcErrorBody, topLevelErrorCode } from './otcErrorBody.js';
import { classifyFailure, type FailureKind } from '../core/failureKind.js';
import { DEFAULT_RETRY_OPTIONS, backoffDelayMs, isTransient, parseRetryAfterMs, type RetryOptions } from './retryPolicy.js';
import type { AdaptiveRateLimiter } from './rateLimiter.js';
import { exchange } from './transport.js';
import type { Proxies } from './proxy.js';
import { adviceFor, NOT_JSON, sentence, starvedAdvice, transportProblem, type EndpointAdvice } from './failureAdvice.js';

/** A request as a credential sees it: what AK/SK signs, or what a token is added to. */
export interface SignableRequest {
  method: string;
  url: URL;
  /** Headers that will be sent, lower-case names. */
  headers: Record<string, string>;
  /** The exact body bytes that will be sent (JSON text, or '' for none). */
  body: string;
}

/** Adds credentials to requests. Implemented by lib/auth; the HTTP layer only knows this port. */
export interface RequestAuthorizer {
  /** Headers to add to this request (a token header, or an AK/SK signature). */
  authorize(request: SignableRequest): Promise<Record<string, string>>;
  /**
   * The API refused the credentials that `authorize` gave. Returns true when a fresh credential
   * exists or is being fetched, so that one more attempt makes sense.
   */
  invalidate(refused: Record<string, string>): boolean;
  /**
   * What to say when the API refuses this credential: which one it was (e.g. "The token from
   * OS_AUTH_TOKEN was refused") and what to do about it. Without it, a general sentence.
   */
  readonly refusal?: string;
  /**
   * A 401 or 403 of any code (a permission refusal included) also asks `invalidate`: for a
   * credential the API may refuse where another is accepted (FunctionGraph's agency AK/SK).
   */
  readonly refusedOn403?: boolean;
}

/** One call to an OTC API. */
export interface HttpRequest {
  /** For messages and logs, e.g. `DRS batch-status`. */
  operation: string;
  /** What a failure tells the user: the owning adapter's service, setting and fixes. */
  advice?: EndpointAdvice;
  method: 'GET' | 'POST';
  url: string;
  /** Serialised once as JSON; the same bytes are signed and sent. */
  body?: unknown;
  headers?: Record<string, string>;
  authorizer?: RequestAuthorizer;
  /**
   * What the call needs in IAM, said when the API refuses it for lack of rights (DRS 403
   * DRS.M00102, 401 DRS.M00103), e.g. which action to grant. Such a refusal is a PermissionError.
   */
  permission?: string;
  /**
   * Default true: a 2xx whose body is not JSON is a broken gateway answer and is retried.
   * Webhook receivers answer `ok` or HTML; for them any 2xx is delivery, and a retry would post
   * the message twice. With false, `data` is then the raw text.
   */
  expectJson?: boolean;
  /**
   * The run's shared DRS rate. With it, every attempt waits for its turn, and throttling answers
   * are retried at the adapted rate until the deadline or until DRS accepted nothing for 5
   * minutes, without counting against `maxAttempts` (README, "Throttling").
   */
  rateLimiter?: AdaptiveRateLimiter;
}

export interface HttpResponse<T> {
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  data: T;
  attempts: number;
}

/** What the client reports about each failed attempt it is going to retry. No secrets inside. */
export interface RetryNotice {
  operation: string;
  attempt: number;
  kind: FailureKind;
  status: number;
  apiCode: string | undefined;
  delayMs: number;
}

/**
 * One request and its answer, for LOG_LEVEL=debug: what happened, never a body, a header value
 * or a URL (a webhook's URL is its secret).
 */
export interface ExchangeNotice {
  operation: string;
  /** 1 for the first try; a refreshed credential or a throttled retry counts as another attempt. */
  attempt: number;
  /** The HTTP status; 0 when no answer came (`network` then says why, e.g. ETIMEDOUT). */
  status: number;
  network?: string;
  /** From sending the request to the end of its answer. */
  ms: number;
  /** The API said slow down (429, DRS.M01503, APIG.0308). */
  throttled: boolean;
  /** The API's error code, when it gave one (e.g. DRS.M01504). */
  apiCode?: string;
}

export interface HttpClientOptions {
  /** Per-attempt timeout; cut further to what remains of the deadline. */
  timeoutMs: number;
  retry?: Partial<RetryOptions>;
  deadline?: Deadline;
  onRetry?: (notice: RetryNotice) => void;
  /** Told about every exchange, answered or not (for the debug log). */
  onExchange?: (notice: ExchangeNotice) => void;
  /** The proxies of the run's settings (README "Network and proxies"); none: every request goes direct. */
  proxies?: Proxies;
  /** Injected for tests: the jitter source and the pause between attempts. */
  random?: () => number;
  sleep?: Sleep;
}

interface Attempt {
  status: number;
  headers: Record<string, string>;
  data: unknown;
  parsed: boolean;
  /** The body as received, kept for callers that do not expect JSON. */
  raw?: string;
  transportCode?: string;
  transportMessage?: string;
}

/** Names the tool to the APIs' operators, without a version that would need keeping in sync. */
const USER_AGENT = 'drs-auto-retry';

/**
 * The one way this tool talks HTTP: per-attempt timeouts, bounded retries with capped
 * exponential backoff and full jitter, Retry-After, one credential refresh on 401, the run's
 * deadline, and errors that never carry a header (and so never a token or a signature).
 */
export class HttpClient {
  private readonly retry: RetryOptions;
  private readonly deadline: Deadline;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.deadline = options.deadline ?? NO_DEADLINE;
    this.sleep = options.sleep ?? sleep;
    this.random = options.random ?? Math.random;
  }

  /** Sends the request, retrying within the bounds; resolves only with a 2xx answer. */
  async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    const limiter = request.rateLimiter;
    let refreshed = false;
    let retryIndex = 0;
    let bounded = 0;
    let lastFailure: ApiError | AuthError | PermissionError | undefined;
    for (let attempt = 1; ; attempt++) {
      if (this.deadline.expired()) throw lastFailure ?? DeadlineExceededError.before(request.operation);
      if (limiter && !(await limiter.acquire(() => this.deadline.remainingMs()))) throw lastFailure ?? DeadlineExceededError.before(request.operation);
      const sentAuth = await this.authorize(request, body);
      const sentAt = performance.now();
      const result = await this.send(request, body, sentAuth);
      const error = parseOtcErrorBody(result.data);
      // A JSON 2xx with a top-level error_code is DRS's abnormal result, not a success.
      const accepted = result.status >= 200 && result.status < 300
        && (request.expectJson === false || (result.parsed && topLevelErrorCode(result.data) === undefined));
      const kind = accepted ? undefined : classifyFailure(result.status, error.code, result.parsed, result.transportCode);
      this.options.onExchange?.({
        operation: request.operation, attempt, status: result.status, ...(result.transportCode ? { network: result.transportCode } : {}),
        ms: Math.round(performance.now() - sentAt), throttled: kind === 'throttled', ...(error.code ? { apiCode: error.code } : {}),
      });
      const retryAfter = parseRetryAfterMs(result.headers['retry-after']);
      limiter?.record(kind === 'throttled' ? 'throttled' : result.status > 0 ? 'accepted' : 'none', retryAfter);
      if (kind === undefined) {
        const data = result.parsed ? result.data : result.raw;
        return { status: result.status, headers: result.headers, data: data as T, attempts: attempt };
      }
      const refused = kind === 'unauthorized' || (request.authorizer?.refusedOn403 === true && (result.status === 401 || result.status === 403));
      if (refused && request.authorizer && !refreshed && request.authorizer.invalidate(sentAuth)) {
        // A token that expired mid-run is refreshed once (or another credential tried), and the call repeated at once.
        refreshed = true;
        continue;
      }
      if (kind === 'throttled' && limiter) {
        // Throttling slows the run down; it ends a request only when DRS accepts nothing at all.
        lastFailure = this.toError(request, result, kind, attempt, limiter.starved() ? limiter.giveUpAfterMs : undefined);
        if (limiter.starved()) throw lastFailure;
        this.notify(request, attempt, kind, result, error.code, 0);
        continue;
      }
      const failure = this.toError(request, result, kind, attempt);
      if (!isTransient(kind) || ++bounded >= this.retry.maxAttempts) throw failure;
      const delayMs = backoffDelayMs(retryIndex++, this.retry, retryAfter, this.random);
      // Waiting past the budget helps nobody: give up now with the real cause.
      if (delayMs >= this.deadline.remainingMs()) throw failure;
      lastFailure = failure;
      this.notify(request, attempt, kind, result, error.code, delayMs);
      await this.sleep(delayMs);
    }
  }

  private notify(request: HttpRequest, attempt: number, kind: FailureKind, result: Attempt, apiCode: string | undefined, delayMs: number): void {
    this.options.onRetry?.({ operation: request.operation, attempt, kind, status: result.status, apiCode: apiCode ?? result.transportCode, delayMs });
  }

  private async authorize(request: HttpRequest, body: string): Promise<Record<string, string>> {
    if (!request.authorizer) return {};
    const headers = this.baseHeaders(request);
    return request.authorizer.authorize({ method: request.method, url: new URL(request.url), headers, body });
  }

  private baseHeaders(request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    return headers;
  }

  private async send(request: HttpRequest, body: string, auth: Record<string, string>): Promise<Attempt> {
    const timeoutMs = Math.max(1, Math.min(this.options.timeoutMs, this.deadline.remainingMs()));
    // A redirect could carry X-Auth-Token to another host: the transport never follows one.
    const response = await exchange({
      method: request.method,
      url: request.url,
      headers: { ...this.baseHeaders(request), ...auth, accept: 'application/json', 'user-agent': USER_AGENT },
      body: request.method === 'GET' ? '' : body,
      timeoutMs,
      signal: this.deadlineSignal(),
      proxies: this.options.proxies,
    });
    if (!response.ok) {
      return { status: 0, headers: {}, data: undefined, parsed: false, transportCode: response.code, transportMessage: response.message };
    }
    const { status, headers } = response;
    const raw = response.text;
    if (raw.trim() === '') return { status, headers, data: undefined, parsed: true };
    try {
      return { status, headers, data: JSON.parse(raw) as unknown, parsed: true };
    } catch {
      return { status, headers, data: undefined, parsed: false, raw };
    }
  }

  /** Aborts an exchange still running when the run's deadline passes. */
  private deadlineSignal(): AbortSignal | undefined {
    const remaining = this.deadline.remainingMs();
    return Number.isFinite(remaining) ? AbortSignal.timeout(Math.max(1, remaining)) : undefined;
  }

  private toError(request: HttpRequest, result: Attempt, kind: FailureKind, attempts: number, starvedMs?: number): ApiError | AuthError | PermissionError {
    const { operation } = request;
    const body = parseOtcErrorBody(result.data);
    const tries = attempts === 1 ? '' : ` after ${attempts} attempts`;
    let what: string;
    // A timeout cut short by the run's budget is the budget's doing, not the network's.
    const budgetSpent = result.status === 0 && this.deadline.expired();
    if (budgetSpent) what = 'no answer before the time budget (DRS_DEADLINE_MS) ran out';
    else if (result.status === 0) what = `no answer (${transportProblem(result.transportMessage)})`;
    else if (!result.parsed) what = `HTTP ${result.status} with a body that is not JSON`;
    else what = [`HTTP ${result.status}`, body.code, body.message && sentence(body.message)].filter(Boolean).join(' ');
    const advice = budgetSpent
      ? undefined
      : starvedMs !== undefined
        ? starvedAdvice(starvedMs, request.advice)
        : adviceFor(kind, { status: result.status, apiCode: body.code, refusal: request.authorizer?.refusal, permission: request.permission }, request.advice);
    const message = `${operation} failed${tries}: ${sentence(what)}.${advice ? ` ${advice}.` : ''}`;
    const options = {
      operation,
      // Named as the budget, so that no caller mistakes it for a network or login problem.
      ...(budgetSpent ? { code: DEADLINE_EXCEEDED } : {}),
      status: result.status,
      apiCode: body.code ?? result.transportCode ?? (kind === 'malformed' ? NOT_JSON : undefined),
      apiMessage: body.message,
      results: body.results,
      attempts,
      inSuccessStatus: result.status >= 200 && result.status < 300 && result.parsed,
    };
    if (kind === 'forbidden') return new PermissionError(message, { operation, status: result.status, apiCode: options.apiCode });
    return kind === 'unauthorized'
      ? new AuthError(message, { code: options.apiCode, status: result.status, cause: new ApiError(message, options) })
      : new ApiError(message, options);
  }
}
