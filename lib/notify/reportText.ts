import type { JobOutcome, Outcome } from '../core/outcomes.js';
import { OUTCOMES, SUCCESSFUL_OUTCOMES } from '../core/outcomes.js';
import type { Report } from '../core/report.js';
import { newFirst, newJobsLine, noticeLine, noticeTag } from './notice.js';
import { causeGroups, causeLine, moreCausesLine, taskNames } from './causeGroups.js';

/**
 * Which jobs the text report lists (README "Reading the text report"): `problems` only the jobs
 * that need a look; `actions` those plus the jobs retried (or that a dry run would retry);
 * `all` every job, the skipped ones too.
 */
export const SHOW_CHOICES = ['problems', 'actions', 'all'] as const;
export type ShowJobs = (typeof SHOW_CHOICES)[number];
/** A terminal wants what needs a person and what was done, not the healthy tasks. */
export const DEFAULT_SHOW: ShowJobs = 'actions';

export interface TextReportOptions {
  show?: ShowJobs;
  /** Rows listed at most; the rest are counted in one line. */
  maxJobs?: number;
  /** Said after the count of jobs `show` leaves out, e.g. how to list them. */
  hiddenHint?: string;
  /** Failure causes listed at most under "What a person does"; the rest are counted in one line. */
  maxCauses?: number;
}

/** Task names listed under each cause; the table below lists every job anyway. */
const NAMES_PER_CAUSE = 5;

/** Most urgent first: a person must act, then DRS refused, then stale config, then "next run". */
const URGENCY: readonly Outcome[] = ['needs_attention', 'retry_failed', 'not_found', 'deferred'];

interface Section {
  title: string;
  jobs: JobOutcome[];
}

/**
 * A human reading of the report: the counts, a run-level error once, then the jobs in sections:
 * those that need a look (most urgent first), those retried or that would be retried, and with
 * `show: 'all'` the skipped ones. Jobs that a run-level error left unattempted are counted under
 * the error, not listed one by one.
 */
export function renderReportText(report: Report, options: TextReportOptions = {}): string {
  const maxJobs = options.maxJobs ?? 200;
  const lines: string[] = [];
  lines.push(`DRS auto-retry${noticeTag(report)} ${report.dryRun ? '(dry run) ' : ''}— ${headline(report)}`);
  lines.push(`run ${report.runId} · ${report.trigger} · region ${report.region} · project ${report.projectId}`);
  lines.push(`started ${report.startedAt} · ${report.durationMs} ms`);
  for (const warning of report.warnings ?? []) lines.push('', `WARNING: ${warning}`);
  const notice = noticeLine(report, jobsNeedingALook(report).length);
  if (notice !== undefined) lines.push('', `${notice}.`, ...[newJobsLine(report)].filter((line) => line !== undefined));
  const deferredByError = report.jobs.filter((job) => isDeferredByRunError(report, job)).length;
  if (report.error) {
    lines.push('', `RUN FAILED (${report.error.code}): ${oneLine(report.error.message, Number.POSITIVE_INFINITY)}`);
    if (deferredByError > 0) {
      lines.push(`${countOf(deferredByError, 'job was', 'jobs were')} not attempted because of it (deferred); the next run picks them up.`);
    }
  }
  lines.push('');
  const width = Math.max(...OUTCOMES.map((o) => o.length), 'requested'.length);
  lines.push(`${'requested'.padEnd(width)}  ${report.summary.requested}`);
  for (const outcome of OUTCOMES) {
    if (report.summary[outcome] > 0) lines.push(`${outcome.padEnd(width)}  ${report.summary[outcome]}`);
  }
  lines.push(...personSection(report, options.maxCauses ?? 50));
  const sections = sectionsOf(report, options.show ?? DEFAULT_SHOW);
  const rows = sections.flatMap((section) => section.jobs);
  const widths = columnWidths(rows.slice(0, maxJobs));
  let budget = maxJobs;
  for (const section of sections) {
    if (budget <= 0) break;
    const shown = section.jobs.slice(0, budget);
    budget -= shown.length;
    lines.push('', `${section.title} (${section.jobs.length}):`, formatRow(HEADER, widths), ...shown.map((job) => formatRow(cells(job), widths)));
  }
  if (rows.length > maxJobs) lines.push(moreJobsLine(rows.length - maxJobs));
  const listed = new Set(rows);
  const hidden = OUTCOMES.flatMap((outcome) => {
    const count = report.jobs.filter((job) => job.outcome === outcome && !listed.has(job) && !isDeferredByRunError(report, job)).length;
    return count > 0 ? [`${count} ${outcome}`] : [];
  });
  if (hidden.length > 0) lines.push('', `Not listed: ${hidden.join(', ')}${options.hiddenHint ? ` (${options.hiddenHint})` : ''}.`);
  for (const note of report.notifications) {
    lines.push(`notification ${note.sink}: ${note.ok ? 'sent' : `FAILED (${note.error ?? 'unknown error'})`}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * "What a person does": the hint of each failure cause that needs a person, with the tasks it
 * holds and the doc to read, before the tables, because it is what the reader came for.
 */
function personSection(report: Report, maxCauses: number): string[] {
  const groups = causeGroups(report);
  if (groups.length === 0) return [];
  const lines = ['', 'What a person does (by failure cause):'];
  for (const group of groups.slice(0, maxCauses)) {
    lines.push(`  ${oneLine(causeLine(group), 600)}`, `    ${oneLine(taskNames(group, NAMES_PER_CAUSE), 600)}`);
    if (group.cause.doc !== undefined) lines.push(`    ${group.cause.doc}`);
  }
  if (groups.length > maxCauses) lines.push(`  ${moreCausesLine(groups.length - maxCauses)}`);
  return lines;
}

/** How many rows `show` lists (without the jobs a run-level error deferred), for callers that fit a size limit. */
export function listedJobCount(report: Report, show: ShowJobs = DEFAULT_SHOW): number {
  return sectionsOf(report, show).reduce((sum, section) => sum + section.jobs.length, 0);
}

/** One line: the outcome at a glance, e.g. "12 retried, 2 need attention". */
export function headline(report: Report): string {
  const s = report.summary;
  const parts: string[] = [];
  const add = (count: number, words: string) => count > 0 && parts.push(`${count} ${words}`);
  add(s.retried, 'retried');
  add(s.would_retry, 'would retry');
  add(s.retry_failed, 'retry failed');
  add(s.needs_attention, s.needs_attention === 1 ? 'needs attention' : 'need attention');
  add(s.not_found, 'not found');
  add(s.deferred, 'deferred');
  add(s.skipped, 'skipped');
  if (report.error) parts.unshift('run failed');
  return parts.length > 0 ? parts.join(', ') : 'no jobs';
}

/** `cloudDataGuard` → `DR`: the console's words for the three scenarios. */
export function typeLabel(type: string | undefined): string | undefined {
  return type === 'cloudDataGuard' ? 'DR' : type;
}

/** The marker for rows left out, as every rendering words it. */
export const moreJobsLine = (count: number): string => `… and ${count} more jobs`;

/** A job the run-level error kept from being attempted: counted under the error, not listed. */
function isDeferredByRunError(report: Report, job: JobOutcome): boolean {
  return report.error !== undefined && job.outcome === 'deferred' && job.reason === `not attempted: ${report.error.message}`;
}

/** The jobs that need a look (every outcome but retried/skipped/would_retry), most urgent first. */
export function jobsNeedingALook(report: Report): JobOutcome[] {
  const rank = (job: JobOutcome) => URGENCY.indexOf(job.outcome);
  // Array.prototype.sort is stable, so each group keeps the report's order.
  return report.jobs.filter((job) => !SUCCESSFUL_OUTCOMES.has(job.outcome)).sort((a, b) => rank(a) - rank(b));
}

function sectionsOf(report: Report, show: ShowJobs): Section[] {
  const attention = newFirst(report, jobsNeedingALook(report).filter((job) => !isDeferredByRunError(report, job)));
  const sections: Section[] = [{ title: 'Need a look', jobs: attention }];
  if (show !== 'problems') {
    sections.push({ title: 'Retried', jobs: report.jobs.filter((job) => job.outcome === 'retried') });
    sections.push({ title: 'Would retry (dry run)', jobs: report.jobs.filter((job) => job.outcome === 'would_retry') });
  }
  if (show === 'all') sections.push({ title: 'Skipped', jobs: report.jobs.filter((job) => job.outcome === 'skipped') });
  return sections.filter((section) => section.jobs.length > 0);
}

const HEADER = ['JOB', 'NAME', 'TYPE', 'OUTCOME', 'STATUS', 'CODE', 'CAUSE', 'DETAIL'];

function cells(job: JobOutcome): string[] {
  return [
    job.jobId,
    oneLine(job.name ?? '-', 40),
    typeLabel(job.type) ?? '-',
    job.outcome,
    job.status ?? '-',
    job.errorCode ?? '-',
    // The rule that matched, so a dry run shows what each rule would do.
    job.cause?.id ?? '-',
    oneLine(detailWords(job), 200),
  ];
}

/** Our reason, then DRS's own words: its message, and its failure text where that says more. */
function detailWords(job: JobOutcome): string {
  const said = job.failureReason !== undefined && job.failureReason !== job.errorMessage ? job.failureReason : undefined;
  return [job.reason, job.errorMessage && `DRS: ${job.errorMessage}`, said && `DRS: ${said}`].filter(Boolean).join(' — ');
}

function columnWidths(jobs: JobOutcome[]): number[] {
  const rows = jobs.map(cells);
  return HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
}

function formatRow(row: string[], widths: number[]): string {
  return row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
}

const countOf = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** One line (newlines and runs of spaces folded), at most `max` characters. */
function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
