/**
 * The recovery benchmark of issue 19: 30 days of a project with 200 DRS tasks, a scheduled run
 * every 15 minutes, under three policies side by side, on a fake clock (no I/O, no emulator):
 *
 * - status only: today's tool. Any task in a retryable status is resumed within the ledger's budget
 *   (DRS_MAX_ATTEMPTS=3, backoff 15 min doubling), and with NOTIFY_ON=problems every run that has a
 *   problem sends a message.
 * - cause-aware: the failure-cause rules (classifyWithCause) before the same budget, and tell-once
 *   (planNotification / toldAfter, NOTIFY_ON=changes) for the messages.
 * - oracle: knows which resumes heal; resumes exactly then, tells a person once a resume never can.
 *
 * The decisions are the real core functions (lib/core: classifyTask, classifyWithCause,
 * gateByBudget, recordAttempt, planNotification, toldAfter), so the figures measure the code, not a
 * model of it. The world is in bench/recoveryWorld.ts.
 *
 *   npx tsx bench/recovery.ts [--days 30] [--tasks 200] [--seed 19]
 *   npx tsx bench/recovery.ts --quiet-deferred --transient-attempts 8   adds a fourth column, cause-aware*
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { planNotification, toldAfter, type JobVerdict, type ToldRecord } from '../lib/core/notifyMemory.js';
import { SUCCESSFUL_OUTCOMES } from '../lib/core/outcomes.js';
import type { JobRecord } from '../lib/core/retryBudget.js';
import { causeAware, oracle, STATUS_ONLY, type Incident, type Policy, type PolicyRun, type Variant } from './recoveryPolicies.js';
import { figuresOf, renderRecovery, type RecoveryResult } from './recoveryReport.js';
import { DAY, DEFAULT_WORLD, drawFailure, seededRandom, SIMULATION_START, type WorldShape } from './recoveryWorld.js';

/** Lets the world, one policy and its memory run side by side for the world's days, run by run. */
export function simulate(world: WorldShape, policy: Policy): PolicyRun {
  const end = SIMULATION_START + world.days * DAY;
  const run: PolicyRun = { policy: policy.name, rawFailures: 0, healedByDrs: 0, incidents: [], resumes: 0, wastedDocumented: 0, wastedUnknown: 0, tooEarly: 0, messagesSent: 0, messagesDelivered: 0 };
  const ids = Array.from({ length: world.tasks }, (_, i) => `${i.toString(16).padStart(8, '0')}-be30-464e-a299-f7aa730jb101`);
  const state = ids.map((jobId, i) => ({ jobId, index: 0, next: SIMULATION_START + drawFailure(world, i, 0).gapMs, open: undefined as Incident | undefined }));
  const records = new Map<string, JobRecord>();
  let told: ToldRecord[] = [];
  const delivery = seededRandom(world.seed + 7);

  for (let now = SIMULATION_START; now < end; now += world.intervalMs) {
    // The world moves to `now`: people finish their fixes, tasks fail (DRS heals the short blips itself).
    state.forEach((s, i) => {
      for (;;) {
        const open = s.open;
        if (open?.closedAt === undefined && open?.fixAt !== undefined && open.fixAt <= now) open.closedAt = open.fixAt;
        if (open !== undefined) {
          if (open.closedAt === undefined || open.closedAt > now) return;
          s.open = undefined;
          s.index += 1;
          s.next = open.closedAt + drawFailure(world, i, s.index).gapMs;
        } else if (s.next <= now) {
          const draw = drawFailure(world, i, s.index);
          run.rawFailures += 1;
          if (draw.cause.heals === 'transient' && draw.transientMs < world.drsResumeWindowMs) {
            run.healedByDrs += 1;
            s.index += 1;
            s.next += draw.transientMs + drawFailure(world, i, s.index).gapMs;
            continue;
          }
          const healAt = draw.cause.heals === 'transient' ? s.next + draw.transientMs : Number.POSITIVE_INFINITY;
          s.open = { jobId: s.jobId, draw, visibleAt: s.next + world.drsResumeWindowMs, healAt, messages: 0 };
          run.incidents.push(s.open);
        } else return;
      }
    });
    const failed = state.flatMap((s) => (s.open !== undefined && s.open.visibleAt <= now ? [s.open] : []));
    const failedIds = new Set(failed.map((incident) => incident.jobId));
    // A task seen healthy ends its budget episode (lib/engine/ledgerSession.ts, load()).
    for (const id of records.keys()) if (!failedIds.has(id)) records.delete(id);

    const decided = policy.decide(failed, now, records);
    for (const incident of failed) {
      if (decided.get(incident.jobId)?.resume !== true) continue;
      run.resumes += 1;
      if (incident.healAt <= now) incident.closedAt = now;
      else if (incident.healAt <= now + world.drsResumeWindowMs) incident.closedAt = incident.healAt;
      else if (incident.draw.cause.heals === 'person') run[incident.draw.cause.documented ? 'wastedDocumented' : 'wastedUnknown'] += 1;
      else run.tooEarly += 1;
    }

    const byId = new Map(failed.map((incident) => [incident.jobId, incident]));
    const jobs: JobVerdict[] = state.map((s) => {
      const d = decided.get(s.jobId);
      return d === undefined ? { jobId: s.jobId, outcome: 'skipped' } : { jobId: s.jobId, outcome: d.outcome, ...(d.causeId === undefined ? {} : { cause: { id: d.causeId } }) };
    });
    let mentioned: JobVerdict[];
    let send: boolean;
    let plan: ReturnType<typeof planNotification> | undefined;
    if (policy.notifyOn === 'problems') {
      mentioned = jobs.filter((job) => !SUCCESSFUL_OUTCOMES.has(job.outcome));
      send = mentioned.length > 0;
    } else {
      // The variant: a deferred job is the tool still at work, like a retried one (kept, not told).
      const verdicts = policy.quietDeferred ? jobs.map((job) => (job.outcome === 'deferred' ? { ...job, outcome: 'retried' as const } : job)) : jobs;
      plan = planNotification({ jobs: verdicts, runError: false, told, now });
      const keys = new Set([...plan.fresh, ...plan.reminders].map((p) => p.jobId));
      mentioned = jobs.filter((job) => keys.has(job.jobId));
      send = plan.send;
    }
    const delivered = send && delivery() >= world.sinkFailureRate;
    if (plan !== undefined) told = toldAfter(told, plan, delivered);
    if (send) run.messagesSent += 1;
    if (!delivered) continue;
    run.messagesDelivered += 1;
    for (const job of mentioned) {
      const incident = byId.get(job.jobId);
      if (incident === undefined) continue;
      incident.messages += 1;
      if (job.outcome === 'needs_attention' && incident.toldAt === undefined) {
        incident.toldAt = now;
        // A person fixes what needs them, or resumes a transient one once it is over.
        incident.fixAt = Math.max(now + incident.draw.responseMs, Number.isFinite(incident.healAt) ? incident.healAt : 0);
      }
    }
  }
  return run;
}

/** Runs the three policies over the same world. */
export function runRecovery(world: WorldShape = DEFAULT_WORLD, variant?: Variant): RecoveryResult {
  const policies = [STATUS_ONLY, causeAware(), oracle(world), ...(variant === undefined ? [] : [causeAware(variant)])];
  const runs = policies.map((policy) => simulate(world, policy));
  const figures = runs.map((run) => figuresOf(run, world));
  const problems: string[] = [];
  for (const aware of figures.filter((f) => f.policy.startsWith('cause-aware'))) {
    if (aware.wastedDocumented > 0) problems.push(`${aware.policy} resumed ${aware.wastedDocumented} tasks whose documented cause needs a person`);
  }
  const best = figures[2];
  if (best && best.wastedDocumented + best.wastedUnknown + best.tooEarly > 0) problems.push('the oracle sent a resume that could not heal');
  const first = runs[0];
  const result = { world, rawFailures: first?.rawFailures ?? 0, healedByDrs: first?.healedByDrs ?? 0, figures, problems };
  return { ...result, table: renderRecovery(result) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { days: { type: 'string' }, tasks: { type: 'string' }, seed: { type: 'string' }, 'transient-attempts': { type: 'string' }, 'quiet-deferred': { type: 'boolean' } },
  });
  const number = (value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new TypeError(`Expected a whole number from 1 and up, got ${value}`);
    return Number(value);
  };
  const world = { ...DEFAULT_WORLD, days: number(values.days, DEFAULT_WORLD.days), tasks: number(values.tasks, DEFAULT_WORLD.tasks), seed: number(values.seed, DEFAULT_WORLD.seed) };
  const started = performance.now();
  const variant: Variant | undefined = values['transient-attempts'] !== undefined || values['quiet-deferred'] === true
    ? { ...(values['transient-attempts'] === undefined ? {} : { transientAttempts: number(values['transient-attempts'], 3) }), quietDeferred: values['quiet-deferred'] === true }
    : undefined;
  const result = runRecovery(world, variant);
  process.stdout.write(`${result.table}\n\n(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  for (const problem of result.problems) process.stderr.write(`recovery: ${problem}\n`);
  process.exitCode = result.problems.length > 0 ? 1 : 0;
}
