import type { JobOutcome } from '../core/outcomes.js';
import { OUTCOMES, SUCCESSFUL_OUTCOMES } from '../core/outcomes.js';
import type { Report } from '../core/report.js';

/** A human reading of the report: the counts first, then the jobs that need a person. */
export function renderReportText(report: Report, options: { maxJobs?: number } = {}): string {
  const maxJobs = options.maxJobs ?? 200;
  const lines: string[] = [];
  lines.push(`DRS auto-retry ${report.dryRun ? '(dry run) ' : ''}— ${headline(report)}`);
  lines.push(`run ${report.runId} · ${report.trigger} · region ${report.region} · project ${report.projectId}`);
  lines.push(`started ${report.startedAt} · ${report.durationMs} ms`);
  if (report.error) lines.push('', `RUN FAILED (${report.error.code}): ${report.error.message}`);
  lines.push('');
  const width = Math.max(...OUTCOMES.map((o) => o.length), 'requested'.length);
  lines.push(`${'requested'.padEnd(width)}  ${report.summary.requested}`);
  for (const outcome of OUTCOMES) {
    if (report.summary[outcome] > 0) lines.push(`${outcome.padEnd(width)}  ${report.summary[outcome]}`);
  }
  const attention = report.jobs.filter((job) => !SUCCESSFUL_OUTCOMES.has(job.outcome));
  if (attention.length > 0) {
    lines.push('', 'Jobs that need a look:');
    lines.push(...table(attention.slice(0, maxJobs)));
    if (attention.length > maxJobs) lines.push(`… and ${attention.length - maxJobs} more jobs`);
  }
  for (const note of report.notifications) {
    lines.push(`notification ${note.sink}: ${note.ok ? 'sent' : `FAILED (${note.error ?? 'unknown error'})`}`);
  }
  return `${lines.join('\n')}\n`;
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

function table(jobs: JobOutcome[]): string[] {
  const rows = jobs.map((job) => [
    job.jobId,
    job.outcome,
    job.status ?? '-',
    job.errorCode ?? '-',
    oneLine([job.reason, job.errorMessage && `DRS: ${job.errorMessage}`].filter(Boolean).join(' — ')),
  ]);
  const header = ['JOB', 'OUTCOME', 'STATUS', 'CODE', 'DETAIL'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (row: string[]) =>
    row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ');
  return [format(header), ...rows.map(format)];
}

const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 197)}...` : flat;
};
