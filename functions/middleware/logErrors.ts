/**
 * Logs an invocation's error once, in words an operator can act on, then lets it go on to the
 * platform, so a failed invocation is counted as one (its error metric, its alarm). A bad input
 * is one `error` line saying which field; a failed run is one line with the report's error
 * (its report was logged just before); anything else is a bug, logged with its stack. The error
 * goes on with the stack shownStack allows: source-mapped locations, or none.
 */
import { isRunFailedError } from '../../lib/app/index.js';
import { ConfigError, isDrsAutoRetryError } from '../../lib/errors.js';
import { optionError, type InvocationLogger, type InvocationMiddleware } from './invocation.js';
import { withShownStack } from './shownStack.js';

export interface LogErrorsOptions {
  /** Used when the error came before the invocation's logger was bound. */
  logger: InvocationLogger;
}

export function logErrors<TContext extends object>(opts: LogErrorsOptions): InvocationMiddleware<TContext> {
  const options = { ...opts };
  if (typeof options.logger?.error !== 'function') throw optionError('logErrors', 'Expected `logger` to be a logger with error(), such as pino');

  return {
    onError(request) {
      const log = request.context.logger ?? options.logger;
      const { error } = request;
      // The platform prints the error it is handed (Lambda's error line, invoke local's stackTrace).
      withShownStack(error);
      if (error instanceof ConfigError) {
        log.error({ error: { code: error.code, field: error.field, message: error.message } }, 'invalid input or configuration; nothing was sent to DRS');
      } else if (isRunFailedError(error)) {
        log.error({ error: error.report.error }, 'the run failed as a whole; its report is logged above');
      } else if (isDrsAutoRetryError(error)) {
        log.error({ error: { name: error.name, code: error.code, message: error.message } }, 'the invocation failed');
      } else {
        const { name, message, stack } = error instanceof Error ? error : { name: typeof error, message: String(error), stack: undefined };
        log.error({ error: { name, message, stack } }, 'the invocation failed unexpectedly');
      }
    },
  };
}
