import type { JobOutcome } from '../core/outcomes.js';
import type { Report, RunError } from '../core/report.js';
import { MAX_ERROR_MESSAGE, clipLine, countsOf, jobsNeedingALook, largestFitting, moreJobs, reportTitle, runFacts } from './reportParts.js';

/** What a chat message (Slack, Teams) shows, in this order; each sink gives it its own markup. */
export interface ChatParts {
  /** The outcome at a glance, unclipped. */
  title: string;
  /** The run's failure, clipped so the fixed part of a message always fits. */
  error?: RunError;
  /** `Requested`, then each outcome that occurred; empty when no job was requested. */
  counts: Array<[label: string, count: number]>;
  /** The jobs that need a look, most urgent first, as many as fit. */
  jobs: readonly JobOutcome[];
  /** The "… and N more jobs" line, when not all of them fit. */
  more?: string;
  /** Where and when the run happened, for the footer. */
  facts: Array<[label: string, value: string]>;
  /** `region eu-de, project …`, for a plain-text summary. */
  where: string;
  /** How many jobs need a look in all. */
  needingALook: number;
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Builds a chat message with as many of the jobs that need a look as `fits` lets through, and
 * "… and N more jobs" for the rest: `build` is called with fewer jobs until the message fits.
 */
export function renderChat<M>(report: Report, build: (parts: ChatParts) => M, fits: (message: M) => boolean): M {
  const jobs = jobsNeedingALook(report);
  const parts = (shown: number): ChatParts => ({
    title: reportTitle(report),
    ...(report.error ? { error: { code: clipLine(report.error.code, 100), message: clipLine(report.error.message, MAX_ERROR_MESSAGE) } } : {}),
    counts: report.summary.requested > 0 ? countsOf(report).map(([label, count]) => [capitalised(label), count]) : [],
    jobs: jobs.slice(0, shown),
    ...(shown < jobs.length ? { more: moreJobs(jobs.length - shown) } : {}),
    facts: runFacts(report).map(([label, value]) => [capitalised(label), value]),
    where: `region ${report.region}, project ${report.projectId}`,
    needingALook: jobs.length,
  });
  const shown = largestFitting(jobs.length, (count) => fits(build(parts(count))));
  return build(parts(shown));
}
