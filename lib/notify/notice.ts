import type { JobOutcome } from '../core/outcomes.js';
import type { Report } from '../core/report.js';

/**
 * How a message says why it was sent under NOTIFY_ON=changes (`report.notice`): news or the daily
 * reminder. Every rendering (Slack, Teams, SMN, the text report) words it the same way.
 */

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** ` (daily reminder)` or ` (2 new)`, for titles and subjects, so a mail filter can tell them apart; '' without a notice. */
export function noticeTag(report: Report): string {
  const notice = report.notice;
  if (notice === undefined) return '';
  if (notice.newJobIds.length > 0) return ` (${notice.newJobIds.length} new)`;
  return notice.reason === 'reminder' ? ' (daily reminder)' : '';
}

/**
 * One sentence on what is news in this message, e.g. `1 new problem since the last message; 2
 * still open (daily reminder)`; undefined without a notice.
 */
export function noticeLine(report: Report, needingALook: number): string | undefined {
  const notice = report.notice;
  if (notice === undefined) return undefined;
  const parts: string[] = [];
  if (notice.newJobIds.length > 0) parts.push(`${count(notice.newJobIds.length, 'new problem', 'new problems')} since the last message`);
  if (notice.reminderJobIds.length > 0) {
    parts.push(`${count(notice.reminderJobIds.length, 'problem', 'problems')} still open (daily reminder)`);
  } else if (notice.reason !== 'run-error' && needingALook > notice.newJobIds.length) {
    parts.push(`${needingALook - notice.newJobIds.length} told before and still open`);
  }
  if (parts.length === 0) return undefined;
  const text = parts.join('; ');
  return notice.reason === 'reminder' && notice.newJobIds.length === 0 ? `Daily reminder: ${text.replace(' (daily reminder)', '')}` : `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

const newIds = new WeakMap<object, ReadonlySet<string>>();

/** True for a job whose problem is new to the sink this report goes to. */
export function isNewProblem(report: Report, job: JobOutcome): boolean {
  const notice = report.notice;
  if (notice === undefined) return false;
  let ids = newIds.get(notice);
  if (ids === undefined) newIds.set(notice, (ids = new Set(notice.newJobIds)));
  return ids.has(job.jobId);
}

/** `New: a, b, c`, at most `max` ids, then `… and N more`; undefined when nothing is new. */
export function newJobsLine(report: Report, max = 10): string | undefined {
  const ids = report.notice?.newJobIds ?? [];
  if (ids.length === 0) return undefined;
  return `New: ${ids.slice(0, max).join(', ')}${ids.length > max ? ` … and ${ids.length - max} more` : ''}`;
}

/** The jobs with the new problems first (stable), so a message cut to fit never hides the news. */
export function newFirst(report: Report, jobs: readonly JobOutcome[]): JobOutcome[] {
  if (report.notice === undefined || report.notice.newJobIds.length === 0) return [...jobs];
  return [...jobs.filter((job) => isNewProblem(report, job)), ...jobs.filter((job) => !isNewProblem(report, job))];
}
