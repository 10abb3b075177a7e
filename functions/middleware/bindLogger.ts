/**
 * Binds a child logger to the invocation: every line it writes, retry notices of the run
 * included, carries the platform's request id, the function name and the run's runId, so an
 * operator can go from a log line to the invocation and back (README, "Logs and metrics").
 */
import { randomUUID } from 'node:crypto';
import { optionError, type InvocationLogger, type InvocationMiddleware } from './invocation.js';

export interface BindLoggerOptions<TContext extends object> {
  /** The function's logger; the middleware binds a child of it per invocation. */
  logger: InvocationLogger;
  /** The platform's own fields of an invocation. Default: Lambda's `awsRequestId` and `functionName`. */
  requestFields?: (context: TContext) => Record<string, unknown>;
  /** Makes the runId of each run; tests inject a fixed one. */
  newRunId?: () => string;
}

/** Lambda's context fields; checked for when the context is missing (tests, containers). */
export const lambdaRequestFields = (context: { awsRequestId?: string; functionName?: string }): Record<string, unknown> => ({
  awsRequestId: context.awsRequestId,
  functionName: context.functionName,
});

const defaults = { requestFields: lambdaRequestFields, newRunId: randomUUID };

export function bindLogger<TContext extends object>(opts: BindLoggerOptions<TContext>): InvocationMiddleware<TContext> {
  const options = { ...defaults, ...opts };
  if (typeof options.logger?.child !== 'function') throw optionError('bindLogger', 'Expected `logger` to be a logger with child(), such as pino');
  if (typeof options.requestFields !== 'function') throw optionError('bindLogger', 'Expected `requestFields` to be a function of the context');

  return {
    before(request) {
      const runId = options.newRunId();
      request.context.runId = runId;
      request.context.logger = options.logger.child({ ...options.requestFields(request.context), runId });
    },
  };
}
