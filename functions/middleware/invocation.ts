/**
 * What the middlewares of a function face put on the invocation's context for the handler
 * and for each other. Both faces (Lambda, FunctionGraph) share them; only the way a value is
 * read from the platform's context differs, and that is an option of each middleware.
 */
import type { Deadline } from '../../lib/app/index.js';
import type { RunConfig } from '../../lib/input/index.js';

/** The logger methods the middlewares and the run use (pino's Logger fits). */
export interface InvocationLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
  child(bindings: Record<string, unknown>): InvocationLogger;
  /** Every field this logger adds to a line (service, request id, function name, runId). */
  bindings(): Record<string, unknown>;
  /** The least level written; parseInput sets it from LOG_LEVEL (pino's child loggers take it per invocation). */
  level?: string;
}

/** Set on the context by the middlewares, in this order: logger, config, budget. */
export interface InvocationState {
  /** Bound to the invocation: every line carries the request id, the function name and the runId. */
  logger: InvocationLogger;
  runId: string;
  config: RunConfig;
  /** The run's time budget: min(DRS_DEADLINE_MS, remaining time less the safety margin). */
  deadline: Deadline;
}

/**
 * The part of a middy request the middlewares read. Any platform context fits (middy's
 * `Request` is assignable to it), so FunctionGraph's context object can be used as is.
 */
export interface InvocationRequest<TContext extends object = object> {
  event: unknown;
  context: TContext & Partial<InvocationState>;
  response?: unknown;
  error?: unknown;
}

/** middy's middleware shape, with each phase free to be left out. */
export interface InvocationMiddleware<TContext extends object = object> {
  before?: (request: InvocationRequest<TContext>) => Promise<void> | void;
  after?: (request: InvocationRequest<TContext>) => Promise<void> | void;
  onError?: (request: InvocationRequest<TContext>) => Promise<void> | void;
}

/** The options guard every middleware uses, in middy's own style. */
export function optionError(middleware: string, message: string): TypeError {
  return new TypeError(message, { cause: { package: `drs-auto-retry/${middleware}` } });
}

/** Reads a value the middleware before this one should have set, or says which is missing. */
export function required<K extends keyof InvocationState>(
  request: InvocationRequest,
  key: K,
  middleware: string,
  setBy: string,
): InvocationState[K] {
  const value = request.context[key];
  if (value === undefined) {
    throw optionError(middleware, `${middleware} needs context.${key}: use the ${setBy} middleware before it`);
  }
  return value as InvocationState[K];
}
