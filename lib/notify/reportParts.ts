import { OUTCOMES, SUCCESSFUL_OUTCOMES, type JobOutcome, type Outcome } from '../core/outcomes.js';
import { clip } from '../core/clip.js';
import type { Report } from '../core/report.js';
import { headline, jobsNeedingALook, moreJobsLine, typeLabel } from './reportText.js';
import { noticeTag } from './notice.js';

/** The pieces every chat rendering shows, so Slack, Teams and SMN say the same thing. */

/** The jobs that need a look (every outcome but retried/skipped/would_retry), most urgent first. */
export { jobsNeedingALook } from './reportText.js';

/** The report with its jobs in display order (those that need a look first, most urgent first). */
export function inDisplayOrder(report: Report): Report {
  const attention = jobsNeedingALook(report);
  return { ...report, jobs: [...attention, ...report.jobs.filter((job) => SUCCESSFUL_OUTCOMES.has(job.outcome))] };
}

/** Caps one job's free text, so that one long DRS message cannot crowd out the other jobs. */
const MAX_JOB_DETAIL = 300;
/** Caps the run-level error message, so the fixed part of a message always fits its limit. */
export const MAX_ERROR_MESSAGE = 1_000;

/**
 * `DRS auto-retry: 12 retried, 2 need attention`, with `(dry run)` when it was one, and under
 * NOTIFY_ON=changes `(2 new)` or `(daily reminder)`.
 */
export function reportTitle(report: Report): string {
  return `DRS auto-retry${noticeTag(report)}${report.dryRun ? ' (dry run)' : ''}: ${headline(report)}`;
}

/** `needs_attention` → `needs attention`. */
export const outcomeLabel = (outcome: Outcome): string => outcome.replace(/_/g, ' ');

/** The counts worth showing: requested, then every outcome that occurred, in OUTCOMES order. */
export function countsOf(report: Report): Array<[label: string, count: number]> {
  const counts: Array<[string, number]> = [['requested', report.summary.requested]];
  for (const outcome of OUTCOMES) if (report.summary[outcome] > 0) counts.push([outcomeLabel(outcome), report.summary[outcome]]);
  return counts;
}

/**
 * What is known about a job, on one line:
 * `orders (sync) · INCRE_TRANSFER_FAILED · cause duplicate-key · DRS.M01501: reason — message — failure text`.
 */
export function jobDetail(job: JobOutcome): string {
  // DRS's failure text, where it says more than its message (often it is the same text).
  const failure = job.failureReason !== job.errorMessage ? job.failureReason : undefined;
  const words = [job.reason, job.errorMessage, failure].filter(Boolean).join(' — ');
  const said = [job.errorCode, words].filter(Boolean).join(': ');
  const cause = job.cause && `cause ${job.cause.id}`;
  return clipLine([taskLabel(job), job.status, cause, said].filter(Boolean).join(' · '), MAX_JOB_DETAIL);
}

/** `orders-sync (sync)`, `(DR)` without a name, or nothing when DRS told neither. */
export function taskLabel(job: JobOutcome): string {
  const type = typeLabel(job.type);
  return [clipLine(job.name ?? '', 80), type && `(${type})`].filter(Boolean).join(' ');
}

/** The truncation marker, worded as in renderReportText. */
export const moreJobs = moreJobsLine;

/** Where and when the run happened, for the footer of a message. */
export function runFacts(report: Report): Array<[label: string, value: string]> {
  const facts: Array<[string, string]> = [
    ['region', report.region],
    ['project', report.projectId],
    ['trigger', report.trigger],
    ['run', report.runId],
    ['started', report.startedAt],
    ['duration', `${report.durationMs} ms`],
  ];
  // The values come from the report, which is built from validated config; the cap is a backstop.
  return facts.map(([label, value]) => [label, clipLine(value, 100)]);
}

/** One line (whitespace runs become one space), at most `max` characters, with `…` when cut. */
export const clipLine = (text: string, max: number): string => clip(text.replace(/\s+/g, ' ').trim(), max);

/**
 * The largest count in [0, max] that `fits`, assuming that showing more never makes a message
 * smaller. 0 is returned even when it does not fit: the fixed part is bounded by construction.
 */
export function largestFitting(max: number, fits: (count: number) => boolean): number {
  let low = 0;
  let high = max;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** Size of a string as sent: UTF-8 bytes. */
export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
