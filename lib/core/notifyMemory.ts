/**
 * "Tell once" (NOTIFY_ON=changes, README "Notifications"): which problems of a run a person has
 * not been told yet, which are due their daily reminder, and what to remember afterwards. Pure: the
 * ledger stores the records, the notify step sends; the clock is a parameter.
 *
 * A problem is a job whose outcome needs somebody (anything but retried, skipped, would_retry),
 * identified by job, outcome and cause: the same job with another outcome or cause is a changed
 * problem, told at once. A run error is always told at once: a run that failed as a whole is not
 * watching the tasks, and that must never go quiet. Problems that stay open are repeated at most
 * once a day, all of them in one digest. A deferred job (not attempted in this run) keeps what
 * was told about it.
 *
 * How the caller uses it, per run:
 * 1. `plan = planNotification({ jobs, runError, told, now })` with the records stored for this
 *    audience (one set per sink is the most precise: a sink that failed then repeats alone);
 * 2. if `plan.send`, deliver; a message counts as told only when its delivery succeeded;
 * 3. store `toldAfter(told, plan, delivered)` (or apply `plan.drop`, then upsert `plan.toldOnDelivery`
 *    only when delivered).
 * A dry run changes nobody's memory: the caller skips step 3. Without a ledger there is no
 * memory: the caller acts as NOTIFY_ON=problems (sends whenever the report has a problem) and says
 * so in an info line; this module is not involved.
 */
import { SUCCESSFUL_OUTCOMES, type Outcome } from './outcomes.js';
import type { ReportNotice } from './report.js';

/** At most one reminder a day for a problem that stays open. */
export const REMINDER_INTERVAL_MS = 24 * 3_600_000;

/** A job as the memory sees it: its id, its outcome in this run and, when known, its cause's id. */
export interface JobVerdict {
  jobId: string;
  outcome: Outcome;
  cause?: { id: string };
}

/** A problem of this run, as the memory keys it. */
export interface NotifyProblem {
  jobId: string;
  outcome: Outcome;
  /** The cause rule's id; `''` when the job had none (not failed, or no rule in play). */
  causeId: string;
}

/** What the ledger remembers of a problem a person was told about. */
export interface ToldRecord extends NotifyProblem {
  /** When the problem was first told (epoch ms). */
  firstToldAt: number;
  /** When it was last told, first time or reminder (epoch ms). */
  lastToldAt: number;
}

export interface NotifyMemoryInput {
  /** Every job of the run's report, problems or not. */
  jobs: readonly JobVerdict[];
  /** The run failed as a whole (the report's `error`). */
  runError: boolean;
  /** The records stored for this audience. */
  told: readonly ToldRecord[];
  now: number;
  reminderIntervalMs?: number;
}

/** Why a message goes out, or not. */
export type NotifyReason = 'run-error' | 'new-problem' | 'reminder' | 'unchanged' | 'no-problem';

export interface NotificationPlan {
  /** Send a message in this run. */
  send: boolean;
  reason: NotifyReason;
  /** Problems not told before, or changed (another outcome or cause): the message leads with them. */
  fresh: NotifyProblem[];
  /**
   * Problems told before and still open, when the daily digest is due (one of them was last told
   * a reminder interval ago or more): then all of them, in the same message.
   */
  reminders: NotifyProblem[];
  /** Problems told before and still open, when no digest is due: not worth a message of their own. */
  unchanged: NotifyProblem[];
  /** Stored records to delete whatever happens: their problem is gone or changed. */
  drop: ToldRecord[];
  /** Records to store only if the message was delivered: the fresh ones and the reminded ones. */
  toldOnDelivery: ToldRecord[];
}

/** The key of a problem: the same job, outcome and cause is the same problem. */
export const toldKey = (problem: Pick<NotifyProblem, 'jobId' | 'outcome' | 'causeId'>): string =>
  JSON.stringify([problem.jobId, problem.outcome, problem.causeId]);

/**
 * Outcomes that keep a job's record although they are no problem: a retry was just sent (or would
 * be), and only the next run shows whether it healed. Without this, a job that alternates between
 * `retried` and `deferred` while its budget runs would be a new problem every other run.
 */
const STILL_OPEN: ReadonlySet<Outcome> = new Set(['retried', 'would_retry']);

/** The problem a stored record describes. */
const problemOf = (record: ToldRecord): NotifyProblem => ({ jobId: record.jobId, outcome: record.outcome, causeId: record.causeId });

/** Decides what this run tells (see the module comment). */
export function planNotification(input: NotifyMemoryInput): NotificationPlan {
  const interval = input.reminderIntervalMs ?? REMINDER_INTERVAL_MS;
  const stored = new Map(input.told.map((record) => [toldKey(record), record]));
  const storedByJob = new Map<string, ToldRecord[]>();
  for (const record of input.told) storedByJob.set(record.jobId, [...(storedByJob.get(record.jobId) ?? []), record]);

  const plan: NotificationPlan = { send: false, reason: 'no-problem', fresh: [], reminders: [], unchanged: [], drop: [], toldOnDelivery: [] };
  const seen = new Set<string>();
  // Problems told before and still open: reminded together, or not at all.
  const open: ToldRecord[] = [];
  const keepOpen = (record: ToldRecord) => {
    if (seen.has(toldKey(record))) return;
    seen.add(toldKey(record));
    open.push(record);
  };
  for (const job of input.jobs) {
    const records = storedByJob.get(job.jobId) ?? [];
    // A deferred job was not attempted in this run (its deadline, the lease another run held,
    // throttling, a run error, a retry not yet due): what was told about it stays as it was,
    // and open. Otherwise a run that lost the lease would retell every problem twice (as
    // deferred, then as itself again). Only a deferral nobody was told of is news, and not in
    // a run that failed as a whole: that run's error is the news.
    if (job.outcome === 'deferred' && (records.length > 0 || input.runError)) {
      for (const record of records) keepOpen(record);
      continue;
    }
    const problem: NotifyProblem = { jobId: job.jobId, outcome: job.outcome, causeId: job.cause?.id ?? '' };
    const key = toldKey(problem);
    const isProblem = !SUCCESSFUL_OUTCOMES.has(job.outcome);
    // The job's other records describe what it was before: gone or changed, unless it is still open.
    const keepOthers = !isProblem && STILL_OPEN.has(job.outcome);
    for (const record of records) {
      if (toldKey(record) !== key && !keepOthers) plan.drop.push(record);
    }
    if (!isProblem) continue;
    const record = stored.get(key);
    if (record !== undefined) {
      keepOpen(record);
    } else if (!seen.has(key)) {
      seen.add(key);
      plan.fresh.push(problem);
      plan.toldOnDelivery.push({ ...problem, firstToldAt: input.now, lastToldAt: input.now });
    }
  }
  // One digest a day: once any open problem is due, every open problem is in it and starts its
  // day again, so problems told at different hours do not each get a reminder of their own.
  const due = open.some((record) => input.now - record.lastToldAt >= interval);
  for (const record of open) {
    if (due) {
      plan.reminders.push(problemOf(record));
      plan.toldOnDelivery.push({ ...record, lastToldAt: input.now });
    } else {
      plan.unchanged.push(problemOf(record));
    }
  }
  plan.reason = input.runError ? 'run-error'
    : plan.fresh.length > 0 ? 'new-problem'
      : plan.reminders.length > 0 ? 'reminder'
        : plan.unchanged.length > 0 ? 'unchanged' : 'no-problem';
  plan.send = plan.reason === 'run-error' || plan.reason === 'new-problem' || plan.reason === 'reminder';
  return plan;
}

/**
 * The whole set of records to store after the run: the stored ones less `drop`, and, only if the
 * message was `delivered`, with `toldOnDelivery` written over them. A message not sent, or not
 * delivered, tells nobody: the fresh problems stay fresh for the next run.
 */
export function toldAfter(told: readonly ToldRecord[], plan: NotificationPlan, delivered: boolean): ToldRecord[] {
  const dropped = new Set(plan.drop.map(toldKey));
  const next = new Map(told.filter((record) => !dropped.has(toldKey(record))).map((record) => [toldKey(record), record]));
  if (delivered && plan.send) for (const record of plan.toldOnDelivery) next.set(toldKey(record), record);
  return [...next.values()];
}

/** What the report sent with this plan says of itself (`report.notice`); undefined when nothing is sent. */
export function noticeOf(plan: NotificationPlan): ReportNotice | undefined {
  if (!plan.send || !(plan.reason === 'new-problem' || plan.reason === 'reminder' || plan.reason === 'run-error')) return undefined;
  const ids = (problems: readonly NotifyProblem[]) => [...new Set(problems.map((problem) => problem.jobId))];
  return { reason: plan.reason, newJobIds: ids(plan.fresh), reminderJobIds: ids(plan.reminders) };
}
