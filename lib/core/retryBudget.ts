/**
 * The retry budget of one job within one failure episode. DRS already resumed the task three
 * times by itself before we see it; this tool is the second line, so it must not hammer a task
 * that fails for a real reason. Pure: the ledger stores the records, the run applies the
 * decisions.
 */
import type { JobOutcome } from './outcomes.js';

/** What the ledger remembers about a job's current failure episode. */
export interface JobRecord {
  jobId: string;
  /** When the job was first seen failed in this episode (epoch ms). */
  episodeStartedAt: number;
  /** Retries sent in this episode. */
  attempts: number;
  /** When the last retry was sent (epoch ms). */
  lastAttemptAt?: number;
  /** When a run first found the budget spent and escalated it (epoch ms). */
  escalatedAt?: number;
}

/** DRS_MAX_ATTEMPTS and DRS_BACKOFF_BASE_MS, with the fixed cap. */
export interface BudgetPolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
}

/** The interval never grows beyond four hours: a fixed transient cause rarely takes longer. */
export const BACKOFF_CAP_MS = 4 * 3_600_000;

export type BudgetDecision =
  | { kind: 'allow' }
  /** An attempt was made recently; the next one is due at `nextAt`. */
  | { kind: 'not_due'; nextAt: number }
  /** The budget is spent; `firstTime` is true in the run that finds it spent first. */
  | { kind: 'exhausted'; attempts: number; since: number; firstTime: boolean };

/** Minimum wait after the n-th attempt (n ≥ 1): base, 2×base, 4×base, … capped. */
export function minimumIntervalMs(attempts: number, policy: BudgetPolicy): number {
  return Math.min(policy.backoffCapMs, policy.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
}

/** May this job be retried now? */
export function decideBudget(record: JobRecord | undefined, now: number, policy: BudgetPolicy): BudgetDecision {
  if (record === undefined || record.attempts === 0) return { kind: 'allow' };
  if (record.attempts >= policy.maxAttempts) {
    return { kind: 'exhausted', attempts: record.attempts, since: record.episodeStartedAt, firstTime: record.escalatedAt === undefined };
  }
  const nextAt = (record.lastAttemptAt ?? record.episodeStartedAt) + minimumIntervalMs(record.attempts, policy);
  return now < nextAt ? { kind: 'not_due', nextAt } : { kind: 'allow' };
}

/** The record after one more retry was sent now. */
export function recordAttempt(record: JobRecord | undefined, jobId: string, now: number): JobRecord {
  const base = record ?? { jobId, episodeStartedAt: now, attempts: 0 };
  return { ...base, attempts: base.attempts + 1, lastAttemptAt: now };
}

/** A planned job as the budget gate sees it. */
export interface GatedJob {
  jobId: string;
  status: string;
}

/** What the gate decided for a run's planned jobs. */
export interface GateResult<J extends GatedJob> {
  /** Jobs whose retry may go out now. */
  allowed: J[];
  /** Jobs settled by the budget: `deferred` (not due) or `needs_attention` (exhausted). */
  settled: JobOutcome[];
  /** Records to store because the gate changed them (first escalation). */
  escalated: JobRecord[];
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** Applies the budget to every planned job. */
export function gateByBudget<J extends GatedJob>(
  planned: readonly J[],
  records: ReadonlyMap<string, JobRecord>,
  now: number,
  policy: BudgetPolicy,
): GateResult<J> {
  const result: GateResult<J> = { allowed: [], settled: [], escalated: [] };
  for (const job of planned) {
    const record = records.get(job.jobId);
    const decision = decideBudget(record, now, policy);
    if (decision.kind === 'allow') {
      result.allowed.push(job);
    } else if (decision.kind === 'not_due') {
      result.settled.push({ jobId: job.jobId, status: job.status, outcome: 'deferred', reason: `next attempt after ${iso(decision.nextAt)}` });
    } else {
      const reason = `retry budget exhausted: ${decision.attempts} attempts since ${iso(decision.since)}`;
      result.settled.push({
        jobId: job.jobId,
        status: job.status,
        outcome: 'needs_attention',
        reason: decision.firstTime ? `${reason} — manual intervention required` : reason,
        ...(decision.firstTime ? { escalated: true } : {}),
      });
      if (decision.firstTime && record) result.escalated.push({ ...record, escalatedAt: now });
    }
  }
  return result;
}
