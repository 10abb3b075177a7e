import type { Clock } from '../core/deadline.js';
import { noticeOf, planNotification, toldAfter, type NotificationPlan } from '../core/notifyMemory.js';
import type { NotificationResult, Report } from '../core/report.js';
import type { RetryLedger, RunLogger, SinkToldRecord } from '../engine/index.js';
import { toRunError } from '../errors.js';
import { LedgerError } from '../ledger/ledgerError.js';
import { deliverReport, sendNotifications } from '../notify/send.js';
import type { Sink } from '../notify/sink.js';

/** How long the memory may take to answer, per read or write, unless the face says otherwise. */
export const DEFAULT_MEMORY_TIMEOUT_MS = 5_000;

/** What telling once needs besides the report and the sinks. */
export interface TellOnceDependencies {
  /** Where what each sink was told is kept; one that is not `persistent` means no memory. */
  ledger: RetryLedger;
  clock: Clock;
  logger: RunLogger;
  /** Bounds the ledger's read and write, so a function still returns within its safety margin. */
  memoryTimeoutMs?: number;
}

/** One sink's part of a run: what it was told before, and what it is told now. */
interface SinkTurn {
  sink: Sink;
  told: SinkToldRecord[];
  plan: NotificationPlan;
}

/**
 * NOTIFY_ON=changes (README "Notifications"). Each sink remembers for itself: it is sent the
 * report (with `notice` saying why) when it has news, a daily reminder or a run error for that
 * sink, and a problem counts as told to a sink only when that sink took the message. So a sink
 * that failed is sent the problem again by the next run, and the sinks that took it are not.
 *
 * Without a memory (no ledger, the in-memory one, the ledger unreadable, or a run that never
 * learnt its project) it acts as NOTIFY_ON=problems and says why. A dry run reads the memory but
 * changes it for nobody. Never throws.
 */
export async function tellOnce(report: Report, sinks: readonly Sink[], deps: TellOnceDependencies): Promise<NotificationResult[]> {
  if (sinks.length === 0) return [];
  const { ledger, logger } = deps;
  const withoutMemory = (why: string) => {
    logger.info({}, `NOTIFY_ON=changes ${why}: every report with a problem is sent, as with NOTIFY_ON=problems`);
    return sendNotifications(report, sinks, 'problems');
  };
  if (!ledger.persistent) {
    return withoutMemory('has no memory without a ledger (DRS_LEDGER_TABLE or DRS_LEDGER_URL) to keep what was sent');
  }
  if (report.projectId === '') return withoutMemory('has no memory for a run that never learnt its project id');
  let told: SinkToldRecord[];
  try {
    told = await within(ledger.readTold(report.projectId, report.jobs.map((job) => job.jobId)), deps, 'read what the sinks were told');
  } catch (error) {
    logger.warn({ error: toRunError(error) }, 'could not read from the ledger what the sinks were told');
    return withoutMemory('could not read its memory');
  }

  const now = deps.clock();
  const turns: SinkTurn[] = sinks.map((sink) => {
    const mine = told.filter((record) => record.sink === sink.name);
    return { sink, told: mine, plan: planNotification({ jobs: report.jobs, runError: report.error !== undefined, told: mine, now }) };
  });
  const results = await Promise.all(
    turns.map((turn) => (turn.plan.send ? deliverReport(turn.sink, { ...report, notice: noticeOf(turn.plan) }) : undefined)),
  );
  logger.info(
    { told: Object.fromEntries(turns.map((turn) => [turn.sink.name, turn.plan.reason])) },
    'NOTIFY_ON=changes: each sink is sent only what is new to it, and the daily reminder',
  );
  if (!report.dryRun) await remember(report, told, turns, results, deps);
  return results.filter((result) => result !== undefined);
}

/**
 * Stores what each sink now knows, for the jobs whose memory changed: a sink's fresh problems and
 * reminders only if it took the message, and nothing more of problems that went away or changed.
 * What is remembered for sinks no longer configured is left as it was (it expires).
 */
async function remember(
  report: Report,
  told: readonly SinkToldRecord[],
  turns: readonly SinkTurn[],
  results: ReadonlyArray<NotificationResult | undefined>,
  deps: TellOnceDependencies,
): Promise<void> {
  const configured = new Set<string>(turns.map((turn) => turn.sink.name));
  const after = [
    ...told.filter((record) => !configured.has(record.sink)),
    ...turns.flatMap((turn, i) =>
      toldAfter(turn.told, turn.plan, results[i]?.ok === true).map((record): SinkToldRecord => ({ ...record, sink: turn.sink.name }))),
  ];
  const byJob = (records: readonly SinkToldRecord[]) => {
    const grouped = new Map<string, SinkToldRecord[]>();
    for (const record of records) grouped.set(record.jobId, [...(grouped.get(record.jobId) ?? []), record]);
    return grouped;
  };
  const before = byJob(told);
  const next = byJob(after);
  const same = (a: readonly SinkToldRecord[] = [], b: readonly SinkToldRecord[] = []) =>
    JSON.stringify(a.map(canonical).sort()) === JSON.stringify(b.map(canonical).sort());
  const changed = new Map<string, SinkToldRecord[]>();
  for (const jobId of new Set([...before.keys(), ...next.keys()])) {
    if (!same(before.get(jobId), next.get(jobId))) changed.set(jobId, next.get(jobId) ?? []);
  }
  if (changed.size === 0) return;
  try {
    await within(deps.ledger.writeTold(report.projectId, changed), deps, 'store what the sinks were told');
  } catch (error) {
    deps.logger.warn({ error: toRunError(error) },
      'could not store in the ledger what the sinks were told; the next run may send the same problems again');
  }
}

/** A record as one comparable string, whatever the order of its fields. */
const canonical = (record: SinkToldRecord): string =>
  JSON.stringify([record.sink, record.jobId, record.outcome, record.causeId, record.firstToldAt, record.lastToldAt]);

/** The ledger's answer, or a LedgerError once `memoryTimeoutMs` has passed without one. */
async function within<T>(call: Promise<T>, deps: TellOnceDependencies, what: string): Promise<T> {
  const ms = deps.memoryTimeoutMs ?? DEFAULT_MEMORY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LedgerError(`the ledger did not ${what} within ${ms} ms`)), ms);
  });
  // A call given up on may still fail later: by then its timeout has been reported instead.
  call.catch(() => undefined);
  try {
    return await Promise.race([call, late]);
  } finally {
    clearTimeout(timer);
  }
}
