import type { JobOutcome } from '../core/outcomes.js';
import type { Report } from '../core/report.js';
import { jobsNeedingALook } from './reportParts.js';

/**
 * FunctionGraph refuses a response body over RUNTIME_MAX_RESP_BODY_SIZE, 6,291,456 bytes by
 * default (reference/otc-docs/functiongraph/configuring_environment_variables.rst). A report
 * is returned whole up to five sixths of that (5 MiB by default), the rest left to the
 * runtime's own envelope.
 */
export const FUNCTIONGRAPH_MAX_RESPONSE_BYTES = 6_291_456;

/** The share of the response limit the report may use. */
const SHARE = 5 / 6;

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

/** The response limit the runtime sets (RUNTIME_MAX_RESP_BODY_SIZE), else the documented default. */
export function responseLimitBytes(runtimeValue: string | undefined): number {
  const parsed = Number(runtimeValue);
  const limit = Number.isInteger(parsed) && parsed > 0 ? parsed : FUNCTIONGRAPH_MAX_RESPONSE_BYTES;
  return Math.floor(limit * SHARE);
}

/**
 * The report as it fits in `maxBytes` of JSON: whole when it fits; else its summary and the jobs
 * that need a look (most urgent first, as many as fit), with `truncated` saying how many jobs
 * were left out. The summary always counts every job, and the log keeps them all.
 */
export function fitReport(report: Report, maxBytes: number): Report {
  if (bytes(report) <= maxBytes) return report;
  const problems = jobsNeedingALook(report);
  const trimmed = (jobs: JobOutcome[]): Report => ({
    ...report,
    jobs,
    truncated: {
      jobsOmitted: report.jobs.length - jobs.length,
      reason: `the report is over ${maxBytes} bytes, more than FunctionGraph returns: only jobs that need a look are here`
        + `${jobs.length < problems.length ? ' (not all of them)' : ''}; the summary counts every job, and the log has each one`,
    },
  });
  // Room for the jobs: the limit less the report without them, and a margin for the `truncated`
  // field's words and digits, which change with what is kept.
  let room = maxBytes - bytes(trimmed([])) - 64;
  const kept: JobOutcome[] = [];
  for (const job of problems) {
    const size = bytes(job) + 1;
    if (size > room) break;
    kept.push(job);
    room -= size;
  }
  return trimmed(kept);
}
