/**
 * From the raw counts of the recovery benchmark to its figures and its table.
 */
import { DAY, MINUTE, SIMULATION_START, type WorldShape } from './recoveryWorld.js';
import type { PolicyRun } from './recoveryPolicies.js';

/** The figures of one policy, as the table shows them. */
export interface PolicyFigures {
  policy: string;
  incidents: number;
  healableShare: number;
  resumes: number;
  wastedDocumented: number;
  wastedUnknown: number;
  tooEarly: number;
  healMedianMs: number;
  healP95Ms: number;
  delayMedianMs: number;
  delayP95Ms: number;
  messagesDelivered: number;
  messagesPerIncident: number;
  maxMessagesPerIncident: number;
  overMessageGoal: number;
  tellMedianMs: number;
  tellP95Ms: number;
  tellUnknownMedianMs: number;
  notToldAtEnd: number;
}

/** A resume heals this long before the problem is over: DRS's own resumes after it finish the job. */
const runWindow = (world: WorldShape) => world.drsResumeWindowMs;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN);
};

export function figuresOf(run: PolicyRun, world: WorldShape): PolicyFigures {
  const end = SIMULATION_START + world.days * DAY;
  const { incidents } = run;
  const healable = incidents.filter((i) => i.draw.cause.heals === 'transient');
  const healed = healable.filter((i) => i.closedAt !== undefined);
  const healTimes = healed.map((i) => (i.closedAt ?? 0) - i.visibleAt);
  // What the policy adds: from the moment a resume could heal (the problem over, the task failed) to the one that did.
  const delays = healed.map((i) => (i.closedAt ?? 0) - Math.max(i.visibleAt, i.healAt - runWindow(world)));
  const needPerson = incidents.filter((i) => i.draw.cause.heals === 'person');
  const tell = (documented: boolean) => needPerson.filter((i) => i.draw.cause.documented === documented && i.toldAt !== undefined).map((i) => (i.toldAt ?? 0) - i.visibleAt);
  const messages = incidents.map((i) => i.messages);
  return {
    policy: run.policy,
    incidents: incidents.length,
    healableShare: healable.length / Math.max(1, incidents.length),
    resumes: run.resumes,
    wastedDocumented: run.wastedDocumented,
    wastedUnknown: run.wastedUnknown,
    tooEarly: run.tooEarly,
    healMedianMs: quantile(healTimes, 0.5),
    healP95Ms: quantile(healTimes, 0.95),
    delayMedianMs: quantile(delays, 0.5),
    delayP95Ms: quantile(delays, 0.95),
    messagesDelivered: run.messagesDelivered,
    messagesPerIncident: messages.reduce((a, b) => a + b, 0) / Math.max(1, incidents.length),
    maxMessagesPerIncident: Math.max(0, ...messages),
    // The goal: one message, plus at most one reminder for each full day the incident stayed open.
    overMessageGoal: incidents.filter((i) => i.messages > 1 + Math.floor(((i.closedAt ?? end) - i.visibleAt) / DAY)).length,
    tellMedianMs: quantile(tell(true), 0.5),
    tellP95Ms: quantile(tell(true), 0.95),
    tellUnknownMedianMs: quantile(tell(false), 0.5),
    notToldAtEnd: needPerson.filter((i) => i.toldAt === undefined).length,
  };
}

export interface RecoveryResult {
  world: WorldShape;
  rawFailures: number;
  healedByDrs: number;
  figures: PolicyFigures[];
  /** Broken promises: the bench exits 1 on any. */
  problems: string[];
  table: string;
}

const duration = (ms: number) => (Number.isNaN(ms) ? '–' : ms < 90 * MINUTE ? `${(ms / MINUTE).toFixed(0)} min` : `${(ms / 3_600_000).toFixed(1)} h`);
const count = (value: number) => value.toLocaleString('en-US');

export function renderRecovery(r: Omit<RecoveryResult, 'table'>): string {
  const w = r.world;
  const first = r.figures[0];
  const rows: Array<[string, ...string[]]> = [
    ['', ...r.figures.map((f) => f.policy), 'goal'],
    ['resumes sent', ...r.figures.map((f) => count(f.resumes)), ''],
    ['  that could not heal: documented cause needing a person', ...r.figures.map((f) => count(f.wastedDocumented)), '0'],
    ['  that could not heal: unrecognised cause', ...r.figures.map((f) => count(f.wastedUnknown)), ''],
    ['  too early (the transient problem not over yet)', ...r.figures.map((f) => count(f.tooEarly)), ''],
    ['failure → healing resume, median / p95', ...r.figures.map((f) => `${duration(f.healMedianMs)} / ${duration(f.healP95Ms)}`), ''],
    ['  of which the policy\'s delay (a resume could heal → one did)', ...r.figures.map((f) => `${duration(f.delayMedianMs)} / ${duration(f.delayP95Ms)}`), `${duration(w.intervalMs)} (one run)`],
    ['messages delivered', ...r.figures.map((f) => count(f.messagesDelivered)), ''],
    ['messages per incident, mean / max', ...r.figures.map((f) => `${f.messagesPerIncident.toFixed(2)} / ${f.maxMessagesPerIncident}`), '1 + a reminder a day'],
    ['  incidents over that goal', ...r.figures.map((f) => count(f.overMessageGoal)), '0'],
    ['failure → person told (documented cause), median / p95', ...r.figures.map((f) => `${duration(f.tellMedianMs)} / ${duration(f.tellP95Ms)}`), 'the first run'],
    ['failure → person told (unrecognised cause), median', ...r.figures.map((f) => duration(f.tellUnknownMedianMs)), ''],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd());
  const header = [
    `Recovery (issue 19): ${w.tasks} tasks, ${w.days} days, a run every ${duration(w.intervalMs)} (${count(Math.round((w.days * DAY) / w.intervalMs))} runs), seed ${w.seed}, fake clock`,
    `  ${count(r.rawFailures)} failures: ${count(r.healedByDrs)} healed by DRS's own three resumes, ${count(first?.incidents ?? 0)} seen failed by the tool, ` +
      `${((first?.healableShare ?? 0) * 100).toFixed(0)} % of them healable by a resume; ${(w.sinkFailureRate * 100).toFixed(0)} % of messages fail to deliver`,
  ];
  return [...header, '', ...lines].join('\n');
}
