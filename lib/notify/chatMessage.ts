import type { JobOutcome } from '../core/outcomes.js';
import type { Report, RunError } from '../core/report.js';
import { causeGroups, moreCausesLine, type CauseGroup } from './causeGroups.js';
import { MAX_ERROR_MESSAGE, clipLine, countsOf, jobsNeedingALook, largestFitting, moreJobs, reportTitle, runFacts } from './reportParts.js';
import { isNewProblem, newFirst, noticeLine } from './notice.js';

/** What a chat message (Slack, Teams) shows, in this order; each sink gives it its own markup. */
export interface ChatParts {
  /** The outcome at a glance, unclipped. */
  title: string;
  /** NOTIFY_ON=changes: what is news in this message (new problems, the daily reminder). */
  notice?: string;
  /** True for a job whose problem is new to this sink: its line is marked. */
  isNew(job: JobOutcome): boolean;
  /** The run's failure, clipped so the fixed part of a message always fits. */
  error?: RunError;
  /** `Requested`, then each outcome that occurred; empty when no job was requested. */
  counts: Array<[label: string, count: number]>;
  /** What a person does, per failure cause (causeGroups), as many as fit, at most MAX_CHAT_CAUSES. */
  causes: readonly CauseGroup[];
  /** The "… and N more causes" line, when not all of them fit. */
  moreCauses?: string;
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

/** Failure causes a chat message lists at most: what to do comes first, but must leave room for the jobs. */
export const MAX_CHAT_CAUSES = 10;

/**
 * Builds a chat message with as many of the cause groups (at most MAX_CHAT_CAUSES) and then of
 * the jobs that need a look as `fits` lets through, and "… and N more causes/jobs" for the rest:
 * `build` is called with fewer until the message fits.
 */
export function renderChat<M>(report: Report, build: (parts: ChatParts) => M, fits: (message: M) => boolean): M {
  const jobs = newFirst(report, jobsNeedingALook(report));
  const notice = noticeLine(report, jobs.length);
  const groups = causeGroups(report);
  const parts = (causes: number, shown: number): ChatParts => ({
    title: reportTitle(report),
    ...(notice !== undefined ? { notice: clipLine(notice, 300) } : {}),
    isNew: (job) => isNewProblem(report, job),
    ...(report.error ? { error: { code: clipLine(report.error.code, 100), message: clipLine(report.error.message, MAX_ERROR_MESSAGE) } } : {}),
    counts: report.summary.requested > 0 ? countsOf(report).map(([label, count]) => [capitalised(label), count]) : [],
    causes: groups.slice(0, causes),
    ...(causes < groups.length ? { moreCauses: moreCausesLine(groups.length - causes) } : {}),
    jobs: jobs.slice(0, shown),
    ...(shown < jobs.length ? { more: moreJobs(jobs.length - shown) } : {}),
    facts: runFacts(report).map(([label, value]) => [capitalised(label), value]),
    where: `region ${report.region}, project ${report.projectId}`,
    needingALook: jobs.length,
  });
  const causes = largestFitting(Math.min(groups.length, MAX_CHAT_CAUSES), (count) => fits(build(parts(count, 0))));
  const shown = largestFitting(jobs.length, (count) => fits(build(parts(causes, count))));
  return build(parts(causes, shown));
}
