/**
 * The three retry policies of the recovery benchmark (bench/recovery.ts), each built on the real
 * core functions, and the incident they act on.
 */
import { classifyWithCause } from '../lib/core/causeDecision.js';
import { classifyTask } from '../lib/core/classify.js';
import { DEFAULT_CAUSE_RULES } from '../lib/core/failureCauses.js';
import type { Outcome } from '../lib/core/outcomes.js';
import { BACKOFF_CAP_MS, gateByBudget, recordAttempt, type BudgetPolicy, type JobRecord } from '../lib/core/retryBudget.js';
import { DEFAULT_RETRY_STATUSES } from '../lib/core/taskStatuses.js';
import { MINUTE, type FailureDraw, type WorldShape } from './recoveryWorld.js';

/** One failure the tool saw (DRS's own resumes did not heal it). */
export interface Incident {
  jobId: string;
  draw: FailureDraw;
  visibleAt: number;
  /** When a resume can heal it (never, for a cause that needs a person). */
  healAt: number;
  toldAt?: number;
  fixAt?: number;
  closedAt?: number;
  messages: number;
}

/** What a policy decided for one failed task in one run. */
export interface Decided {
  resume: boolean;
  outcome: Outcome;
  causeId?: string;
}

export interface Policy {
  name: string;
  notifyOn: 'problems' | 'changes';
  quietDeferred?: boolean;
  decide(jobs: readonly Incident[], now: number, records: Map<string, JobRecord>): Map<string, Decided>;
}

const RETRY_STATUSES: ReadonlySet<string> = new Set(DEFAULT_RETRY_STATUSES);
const BUDGET: BudgetPolicy = { maxAttempts: 3, backoffBaseMs: 15 * MINUTE, backoffCapMs: BACKOFF_CAP_MS };

/** The budget gate as the engine's ledger session applies it: settled jobs, and attempts recorded. */
function gate(
  planned: Array<{ jobId: string; status: string; causeId?: string }>,
  now: number,
  records: Map<string, JobRecord>,
  out: Map<string, Decided>,
  budget: BudgetPolicy = BUDGET,
) {
  const result = gateByBudget(planned, records, now, budget);
  for (const record of result.escalated) records.set(record.jobId, record);
  const causeOf = new Map(planned.map((job) => [job.jobId, job.causeId]));
  for (const job of result.allowed) {
    records.set(job.jobId, recordAttempt(records.get(job.jobId), job.jobId, now));
    out.set(job.jobId, { resume: true, outcome: 'retried', causeId: job.causeId });
  }
  for (const settled of result.settled) out.set(settled.jobId, { resume: false, outcome: settled.outcome, causeId: causeOf.get(settled.jobId) });
}

const task = (incident: Incident) => ({ id: incident.jobId, status: incident.draw.status, isDualActiveParent: false });

export const STATUS_ONLY: Policy = {
  name: 'status only',
  notifyOn: 'problems',
  decide(jobs, now, records) {
    const out = new Map<string, Decided>();
    const planned = jobs.filter((job) => classifyTask(task(job), RETRY_STATUSES).action === 'retry').map((job) => ({ jobId: job.jobId, status: job.draw.status }));
    gate(planned, now, records, out);
    return out;
  },
};

/** Changes to the cause-aware policy, to measure a design choice beside the three columns. */
export interface Variant {
  /** Retries allowed for a cause a documented rule calls transient (DRS_MAX_ATTEMPTS for the rest). */
  transientAttempts?: number;
  /** Under tell-once, a `deferred` job (the budget's backoff) is not told, like a `retried` one. */
  quietDeferred?: boolean;
}

export function causeAware(variant: Variant = {}): Policy {
  const known = new Set(DEFAULT_CAUSE_RULES.filter((rule) => rule.retry).map((rule) => rule.id));
  const longer: BudgetPolicy = { ...BUDGET, maxAttempts: variant.transientAttempts ?? BUDGET.maxAttempts };
  return {
    name: variant.transientAttempts !== undefined || variant.quietDeferred ? 'cause-aware*' : 'cause-aware',
    notifyOn: 'changes',
    quietDeferred: variant.quietDeferred === true,
    decide(jobs, now, records) {
      const out = new Map<string, Decided>();
      const planned: Array<{ jobId: string; status: string; causeId?: string }> = [];
      for (const job of jobs) {
        const decision = classifyWithCause(task(job), RETRY_STATUSES, job.draw.text);
        if (decision.action === 'retry') planned.push({ jobId: job.jobId, status: job.draw.status, causeId: decision.fields.cause?.id });
        else out.set(job.jobId, { resume: false, outcome: decision.outcome.outcome, causeId: decision.outcome.cause?.id });
      }
      gate(planned.filter((job) => !known.has(job.causeId ?? '')), now, records, out);
      gate(planned.filter((job) => known.has(job.causeId ?? '')), now, records, out, longer);
      return out;
    },
  };
}

export function oracle(world: WorldShape): Policy {
  return {
    name: 'oracle',
    notifyOn: 'changes',
    decide(jobs, now) {
      const out = new Map<string, Decided>();
      for (const job of jobs) {
        if (job.draw.cause.heals === 'person') out.set(job.jobId, { resume: false, outcome: 'needs_attention', causeId: job.draw.cause.key });
        // A resume heals once the outside problem is over, or just before (DRS's own resumes after it finish the job).
        else out.set(job.jobId, job.healAt <= now + world.drsResumeWindowMs ? { resume: true, outcome: 'retried' } : { resume: false, outcome: 'skipped' });
      }
      return out;
    },
  };
}

/** The raw counts of one policy's 30 days. */
export interface PolicyRun {
  policy: string;
  rawFailures: number;
  healedByDrs: number;
  incidents: Incident[];
  resumes: number;
  wastedDocumented: number;
  wastedUnknown: number;
  tooEarly: number;
  messagesSent: number;
  messagesDelivered: number;
}
