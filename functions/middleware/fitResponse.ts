/**
 * Returns the report within the platform's response limit: trimmed to the summary and the jobs
 * that need a look when it is larger (README "Deploying on FunctionGraph"). It runs after
 * logReport (use it before logReport), so the log keeps every job.
 */
import { fitReport, type Report } from '../../lib/app/index.js';
import { optionError, type InvocationMiddleware } from './invocation.js';

export interface FitResponseOptions {
  /** The most bytes of JSON the returned report may take, read at each invocation. */
  maxBytes: () => number;
}

export function fitResponse<TContext extends object>(options: FitResponseOptions): InvocationMiddleware<TContext> {
  if (typeof options.maxBytes !== 'function') throw optionError('fitResponse', 'Expected `maxBytes` to be a function that returns a number of bytes');
  return {
    after(request) {
      const report = request.response as Report;
      const fitted = fitReport(report, options.maxBytes());
      if (fitted === report) return;
      request.context.logger?.warn({ truncated: fitted.truncated }, 'the returned report was trimmed to fit the response limit; the log has every job');
      request.response = fitted;
    },
  };
}
