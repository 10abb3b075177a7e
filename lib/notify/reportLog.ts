import { clip } from '../core/clip.js';
import type { JobOutcome } from '../core/outcomes.js';
import type { Report } from '../core/report.js';
import { inDisplayOrder } from './reportParts.js';

/**
 * CloudWatch Logs keeps at most 256 KiB per event; a longer line is split or cut (README,
 * "Logs and metrics").
 */
export const LAMBDA_LOG_LINE_BYTES = 256 * 1024;
/** The FunctionGraph runtime's own logger splits a message at 90 KiB. */
export const FUNCTIONGRAPH_LOG_LINE_BYTES = 90 * 1024;

/** The message of the line that carries the report (whole, or without its jobs). */
export const REPORT_MESSAGE = 'drs-auto-retry report';
/** The message of each line that carries a part of a large report's jobs. */
export const REPORT_PART_MESSAGE = 'drs-auto-retry report part';

export interface ReportLogOptions {
  /** The longest line allowed, in UTF-8 bytes, newline included. */
  maxLineBytes: number;
  /**
   * Fields every line carries before its own, e.g. the service, the request id, the function
   * name and the runId of the invocation's logger (pino's `logger.bindings()`).
   */
  fields?: Record<string, unknown>;
  /** Writes one line (ending in a newline). It is called for every line, whatever LOG_LEVEL is. */
  write(line: string): void;
  /** Timestamps of the lines; injected by tests. */
  now?: () => Date;
}

/** What was written, for callers that want to say so. */
export interface ReportLogResult {
  lines: number;
  /** Lines after the first that carry jobs; 0 when the whole report fit in one line. */
  parts: number;
  longestLineBytes: number;
}

/** Room kept for a part's envelope around its jobs, beyond the fields and message. */
const MIN_JOB_ROOM = 1_024;
/** A job's free text is cut to this when one job alone would not fit a line. */
const MAX_JOB_TEXT = 1_000;
/** The run-level error and sink errors are cut to this when the summary would not fit a line. */
const MAX_SUMMARY_TEXT = 4_000;

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function checkOptions(options: ReportLogOptions): void {
  if (!Number.isInteger(options.maxLineBytes) || options.maxLineBytes < 4 * MIN_JOB_ROOM) {
    throw new TypeError(`Expected \`maxLineBytes\` to be a whole number from ${4 * MIN_JOB_ROOM} and up, got ${options.maxLineBytes}`, {
      cause: { package: 'drs-auto-retry/reportLog' },
    });
  }
}

/**
 * Writes a report as log lines of at most `maxLineBytes`: the whole report in one line when it
 * fits; otherwise a summary line (the report without its jobs, and how many parts follow), then
 * parts that carry the runId and the jobs, those that need a look first. Every job is in some
 * line. It writes whatever the log level is: the report is the one record a run must leave.
 */
export function writeReportLog(report: Report, options: ReportLogOptions): ReportLogResult {
  checkOptions(options);
  const now = options.now ?? (() => new Date());
  const fields = options.fields ?? {};
  const head = () => ({ level: 'info', time: now().toISOString(), ...fields });
  let longest = 0;
  const emit = (line: string) => {
    longest = Math.max(longest, bytes(line));
    options.write(line);
  };

  const whole = `${JSON.stringify({ ...head(), report, msg: REPORT_MESSAGE })}\n`;
  if (bytes(whole) <= options.maxLineBytes) {
    emit(whole);
    return { lines: 1, parts: 0, longestLineBytes: longest };
  }

  const groups = packJobs(inDisplayOrder(report).jobs, report, options.maxLineBytes, head);
  const { jobs: _jobs, ...withoutJobs } = report;
  const summary = (shown: Omit<Report, 'jobs'>) =>
    `${JSON.stringify({ ...head(), report: shown, jobsInParts: report.jobs.length, parts: groups.length, msg: REPORT_MESSAGE })}\n`;
  let summaryLine = summary(withoutJobs);
  if (bytes(summaryLine) > options.maxLineBytes) summaryLine = summary(clipSummary(withoutJobs));
  emit(summaryLine);
  groups.forEach((jobs, index) => emit(partLine(head(), report.runId, index + 1, groups.length, jobs)));
  return { lines: groups.length + 1, parts: groups.length, longestLineBytes: longest };
}

function partLine(head: object, runId: string, part: number, parts: number, jobsJson: string[]): string {
  const envelope = JSON.stringify({ ...head, runId, part, parts });
  return `${envelope.slice(0, -1)},"jobs":[${jobsJson.join(',')}],"msg":${JSON.stringify(REPORT_PART_MESSAGE)}}\n`;
}

/** Greedy packing of the jobs (as JSON) into as few parts as fit the line limit. */
function packJobs(jobs: readonly JobOutcome[], report: Report, maxLineBytes: number, head: () => object): string[][] {
  // The largest part and parts numbers there can be, so the estimate never falls short.
  const envelopeBytes = bytes(partLine(head(), report.runId, jobs.length, jobs.length, []));
  const room = Math.max(MIN_JOB_ROOM, maxLineBytes - envelopeBytes);
  const groups: string[][] = [];
  let current: string[] = [];
  let used = 0;
  for (const job of jobs) {
    let json = JSON.stringify(job);
    if (bytes(json) > room) json = JSON.stringify(clipJob(job));
    const size = bytes(json) + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && used + size > room) {
      groups.push(current);
      current = [];
      used = 0;
    }
    used += bytes(json) + (current.length > 0 ? 1 : 0);
    current.push(json);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

const clipText = (text: string | undefined, max: number) => (text === undefined ? text : clip(text, max));

/** A job whose DRS message alone would not fit a line keeps its id, outcome and a cut message. */
function clipJob(job: JobOutcome): JobOutcome {
  return { ...job, errorMessage: clipText(job.errorMessage, MAX_JOB_TEXT), reason: clipText(job.reason, MAX_JOB_TEXT) };
}

function clipSummary(report: Omit<Report, 'jobs'>): Omit<Report, 'jobs'> {
  return {
    ...report,
    notifications: report.notifications.map((n) => (n.error === undefined ? n : { ...n, error: clipText(n.error, MAX_SUMMARY_TEXT) })),
    ...(report.error ? { error: { ...report.error, message: clipText(report.error.message, MAX_SUMMARY_TEXT) ?? '' } } : {}),
  };
}
