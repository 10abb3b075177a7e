import { UNKNOWN_CAUSE_ID, type JobCause } from '../core/failureCauses.js';
import type { JobOutcome } from '../core/outcomes.js';
import type { Report } from '../core/report.js';

/**
 * What a person does, per failure cause (README "Why did it fail?"): the jobs that need a person,
 * grouped by the cause they failed for, so that one message says "2 tasks — disk-full: expand its
 * storage, then resume the task" once instead of once per job. Every rendering (text, Slack,
 * Teams, SMN) words its groups from here.
 */

/** The jobs of one cause that need a person, and what to do about it. */
export interface CauseGroup {
  cause: JobCause;
  jobs: JobOutcome[];
}

/**
 * Whether a job's cause says something a person can act on: every cause a rule knows, and
 * `unknown` only when an operator made it need a person (DRS_CAUSE_RULES), since its default hint
 * is about resuming, which a job that needs a person was not.
 */
function hasAdvice(cause: JobCause): boolean {
  return cause.id !== UNKNOWN_CAUSE_ID || !cause.retry;
}

/**
 * The jobs that need a person (`needs_attention`), grouped by cause: the causes that no resume
 * heals first, then those whose retries were spent, each in the order of its first job in the
 * report. Jobs without a cause that has advice are left to their own lines.
 */
export function causeGroups(report: Pick<Report, 'jobs'>): CauseGroup[] {
  const groups = new Map<string, CauseGroup>();
  for (const job of report.jobs) {
    if (job.outcome !== 'needs_attention' || job.cause === undefined || !hasAdvice(job.cause)) continue;
    const group = groups.get(job.cause.id);
    if (group) group.jobs.push(job);
    else groups.set(job.cause.id, { cause: job.cause, jobs: [job] });
  }
  const all = [...groups.values()];
  return [...all.filter((group) => !group.cause.retry), ...all.filter((group) => group.cause.retry)];
}

/** `2 tasks — disk-full: The destination's storage is full …: expand its storage, then resume the task.` */
export function causeLine(group: CauseGroup): string {
  return `${countOf(group.jobs.length)} — ${group.cause.id}: ${group.cause.hint}`;
}

/** `1 task`, `2 tasks`. */
export const countOf = (count: number): string => `${count} ${count === 1 ? 'task' : 'tasks'}`;

/** The group's tasks by name where DRS gave one (what the console shows), else by id; at most `max`, then `+N more`. */
export function taskNames(group: CauseGroup, max: number): string {
  const names = group.jobs.slice(0, max).map((job) => job.name ?? job.jobId);
  const more = group.jobs.length - names.length;
  return more > 0 ? `${names.join(', ')} +${more} more` : names.join(', ');
}

/** The marker for cause groups left out, worded like the one for jobs. */
export const moreCausesLine = (count: number): string => `… and ${count} more ${count === 1 ? 'cause' : 'causes'}`;
