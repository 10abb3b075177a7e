/**
 * Logs the run's report, whatever LOG_LEVEL is, in lines the platform's log keeps whole
 * (at most `maxLineBytes` each): the report of a failed run too, before its error is thrown on.
 */
import { isRunFailedError, LAMBDA_LOG_LINE_BYTES, writeReportLog, type Report } from '../../lib/app/index.js';
import { writeAllSync } from '../../lib/log.js';
import { optionError, type InvocationMiddleware, type InvocationRequest } from './invocation.js';

export interface LogReportOptions {
  /** Longest line in UTF-8 bytes. Default: 256 KiB, CloudWatch's event limit. */
  maxLineBytes?: number;
  /** Default: synchronous writes to stdout, since the platform may freeze right after the return. */
  write?: (line: string) => void;
}

const defaults = {
  maxLineBytes: LAMBDA_LOG_LINE_BYTES,
  write: (line: string) => writeAllSync(1, line),
};

export function logReport<TContext extends object>(opts: LogReportOptions = {}): InvocationMiddleware<TContext> {
  const options = { ...defaults, ...opts };
  if (!Number.isInteger(options.maxLineBytes) || options.maxLineBytes <= 0) {
    throw optionError('logReport', `Expected \`maxLineBytes\` to be a whole number from 1 and up, got ${options.maxLineBytes}`);
  }
  if (typeof options.write !== 'function') throw optionError('logReport', 'Expected `write` to be a function of a line');

  const write = (request: InvocationRequest<TContext>, report: Report) => {
    writeReportLog(report, { maxLineBytes: options.maxLineBytes, fields: request.context.logger?.bindings() ?? {}, write: options.write });
  };
  return {
    after(request) {
      write(request, request.response as Report);
    },
    onError(request) {
      if (isRunFailedError(request.error)) write(request, request.error.report);
    },
  };
}
