import { maskCredentials } from './failureText.js';
import { OUTCOMES, SUCCESSFUL_OUTCOMES, type JobOutcome, type Outcome, type TaskLabel } from './outcomes.js';
import { uniqueIds } from './plan.js';

/** Counts per outcome; `requested` is the number of unique job ids and the sum of the rest. */
export type Summary = { requested: number } & Record<Outcome, number>;

/** What a notification sink did with the report (filled by the notify step). */
export interface NotificationResult {
  sink: string;
  ok: boolean;
  error?: string;
}

/** Who can start a run. */
export const TRIGGERS = ['schedule', 'event', 'manual'] as const;
/** Who started the run. */
export type Trigger = (typeof TRIGGERS)[number];

/** The one structured report of a run (README "What happens to each job", schemaVersion 1). */
export interface Report {
  schemaVersion: 1;
  runId: string;
  trigger: Trigger;
  dryRun: boolean;
  region: string;
  projectId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  summary: Summary;
  /**
   * Set only when the run has something to say about how it is set up that no job's outcome
   * says, e.g. a scheduled run without a ledger (README "What happens to each job"). Each is one
   * sentence that says what to do. Absent, not empty, when there is none.
   */
  warnings?: string[];
  /** Every requested job exactly once, in the order the ids were first seen. */
  jobs: JobOutcome[];
  notifications: NotificationResult[];
  /** Set only when the run as a whole failed (authentication, DRS unreachable). */
  error?: RunError;
  /**
   * Set only on a report returned trimmed to fit the platform's response limit (FunctionGraph):
   * `jobs` then holds only the jobs that need a look, maybe not all; the log has every job.
   */
  truncated?: ReportTruncation;
  /** Only in what a sink is sent under NOTIFY_ON=changes: why this sink gets this report. */
  notice?: ReportNotice;
}

/** How a returned report was trimmed. */
export interface ReportTruncation {
  /** Jobs left out of `jobs`; the summary still counts them. */
  jobsOmitted: number;
  reason: string;
}

/**
 * Why a sink is sent the report under NOTIFY_ON=changes (README "Notifications"), so a receiver
 * can tell news from the daily reminder. The report a run returns never carries it: each sink
 * remembers for itself, so two sinks may be told for different reasons.
 */
export interface ReportNotice {
  /** `new-problem`: a problem this sink was not told of, or that changed; `reminder`: the daily digest of open problems; `run-error`: the run failed as a whole. */
  reason: 'new-problem' | 'reminder' | 'run-error';
  /** Jobs whose problem is new to this sink (or changed: another outcome or cause). */
  newJobIds: string[];
  /** Jobs whose problem this sink was told of before and that are still open, when the daily reminder is due. */
  reminderJobIds: string[];
}

/** Why the run as a whole failed: a stable code and a message that says what to do. */
export interface RunError {
  code: string;
  message: string;
}

export interface ReportInput {
  runId: string;
  trigger: Trigger;
  dryRun: boolean;
  region: string;
  projectId: string;
  startedAt: number;
  finishedAt: number;
  requestedIds: readonly string[];
  outcomes: Iterable<JobOutcome>;
  /** Names and scenarios of the tasks that were read, by id; they go beside each job's id. */
  labels?: ReadonlyMap<string, TaskLabel>;
  /** What the run says about its set-up (see Report.warnings); empty or absent: none. */
  warnings?: readonly string[];
  error?: RunError;
}

/**
 * Builds the report and enforces its invariant: each unique requested id appears exactly once,
 * and the summary adds up. A job the run forgot (a bug) is reported `deferred`, so the next run
 * re-reads it, and the report says an internal error happened: a lost job is never silent.
 */
export function buildReport(input: ReportInput): Report {
  const byId = new Map<string, JobOutcome>();
  const problems: string[] = [];
  for (const outcome of input.outcomes) {
    if (byId.has(outcome.jobId)) problems.push(`job ${outcome.jobId} had two outcomes; the first was kept`);
    else byId.set(outcome.jobId, outcome);
  }
  const requested = uniqueIds(input.requestedIds);
  const requestedSet = new Set(requested);
  for (const id of byId.keys()) {
    if (!requestedSet.has(id)) problems.push(`job ${id} had an outcome but was not requested; it was left out`);
  }
  const jobs = requested.map((jobId) => {
    const outcome = byId.get(jobId);
    if (outcome) return withLabel(masked(outcome), input.labels?.get(jobId));
    problems.push(`job ${jobId} had no outcome; reported deferred`);
    return { jobId, outcome: 'deferred' as const, reason: 'no outcome was recorded (internal error); the next run re-reads it' };
  });
  const summary = summarise(jobs);
  const error =
    input.error ??
    (problems.length > 0 ? { code: 'INTERNAL_INVARIANT', message: `report invariant repaired: ${problems.slice(0, 5).join('; ')}` } : undefined);
  return {
    schemaVersion: 1,
    runId: input.runId,
    trigger: input.trigger,
    dryRun: input.dryRun,
    region: input.region,
    projectId: input.projectId,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    durationMs: Math.max(0, input.finishedAt - input.startedAt),
    summary,
    ...(input.warnings !== undefined && input.warnings.length > 0 ? { warnings: [...input.warnings] } : {}),
    jobs,
    notifications: [],
    ...(error ? { error } : {}),
  };
}

/**
 * DRS's `error_message` is the same kind of text as `failed_reason` (a database's message wrapped
 * by DRS), so it gets the same masking before it leaves the function: no password in a report.
 */
function masked(job: JobOutcome): JobOutcome {
  if (job.errorMessage === undefined) return job;
  const errorMessage = maskCredentials(job.errorMessage);
  return errorMessage === job.errorMessage ? job : { ...job, errorMessage };
}

/** The job with its task's name and type right after its id (absent ones are left out). */
function withLabel(job: JobOutcome, label: TaskLabel | undefined): JobOutcome {
  if (label === undefined || (label.name === undefined && label.type === undefined)) return job;
  const { jobId, outcome, ...rest } = job;
  return {
    jobId,
    ...(label.name !== undefined ? { name: label.name } : {}),
    ...(label.type !== undefined ? { type: label.type } : {}),
    outcome,
    ...rest,
  };
}

/** Counts the outcomes. */
export function summarise(jobs: readonly JobOutcome[]): Summary {
  const summary = { requested: jobs.length } as Summary;
  for (const outcome of OUTCOMES) summary[outcome] = 0;
  for (const job of jobs) summary[job.outcome]++;
  return summary;
}

/** Problems with a report's invariant (empty when it holds): for tests and for the faces. */
export function reportInvariantProblems(report: Report): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const job of report.jobs) {
    if (seen.has(job.jobId)) problems.push(`duplicate job ${job.jobId}`);
    seen.add(job.jobId);
  }
  const total = OUTCOMES.reduce((sum, outcome) => sum + report.summary[outcome], 0);
  if (total !== report.summary.requested) problems.push(`summary adds up to ${total}, not ${report.summary.requested}`);
  if (report.summary.requested !== report.jobs.length) problems.push('summary.requested differs from the number of jobs');
  const recount = summarise(report.jobs);
  for (const outcome of OUTCOMES) {
    if (recount[outcome] !== report.summary[outcome]) problems.push(`summary.${outcome} is wrong`);
  }
  return problems;
}

/** The exit status (README "Running it by hand"): 0 all jobs fine, 1 some job needs a look, 3 the run failed as a whole. */
export function exitCodeOf(report: Report): 0 | 1 | 3 {
  if (report.error) return 3;
  return report.jobs.every((job) => SUCCESSFUL_OUTCOMES.has(job.outcome)) ? 0 : 1;
}

/** True when the report has anything beyond retried, skipped and would_retry, or an error. */
export function hasProblems(report: Report): boolean {
  return report.error !== undefined || OUTCOMES.some((o) => !SUCCESSFUL_OUTCOMES.has(o) && report.summary[o] > 0);
}
