import type { Report } from '../core/report.js';
import { DrsAutoRetryError, type DrsErrorOptions } from '../errors.js';

/**
 * The run failed as a whole (authentication, DRS unreachable); `report` holds the details. The
 * function faces throw it after the report is logged, so the platform counts a failed
 * invocation and its error alarm fires (README, "Alarms").
 */
export class RunFailedError extends DrsAutoRetryError {
  readonly report: Report;

  constructor(message: string, options: DrsErrorOptions & { report: Report }) {
    super(message, { code: options.code ?? options.report.error?.code ?? 'RUN_FAILED', cause: options.cause });
    this.report = options.report;
  }

  /** The error for a report whose `error` is set. */
  static of(report: Report): RunFailedError {
    return new RunFailedError(`drs-auto-retry run ${report.runId} failed: ${report.error?.message ?? 'unknown error'}`, { report });
  }
}

/** Type guard: the error carries a run's report. */
export function isRunFailedError(error: unknown): error is RunFailedError {
  return error instanceof RunFailedError;
}
