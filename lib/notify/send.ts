import type { NotifyOptions } from './options.js';
import { hasProblems, type NotificationResult, type Report } from '../core/report.js';
import { describeSinkFailure } from './failure.js';
import type { Sink } from './sink.js';

// Sending, apart from building the sinks (./index.ts), which makes their HTTP clients: what sends
// (here, and lib/app/tellOnce.ts) needs no HTTP client of its own.

/**
 * NOTIFY_ON: `problems` lets through a report with any outcome beyond retried/skipped/would_retry,
 * or an error. So does `changes` here: this is what it does without a memory (the composition
 * root remembers what was told, when there is a ledger to keep it in).
 */
export function shouldNotify(report: Report, on: NotifyOptions['on']): boolean {
  return on === 'always' || ((on === 'problems' || on === 'changes') && hasProblems(report));
}

/** Sends the report to one sink; never throws: a failure is the result's `error`. */
export async function deliverReport(sink: Sink, report: Report): Promise<NotificationResult> {
  try {
    await sink.send(report);
    return { sink: sink.name, ok: true };
  } catch (error) {
    return { sink: sink.name, ok: false, error: describeSinkFailure(error) };
  }
}

/**
 * Sends to every sink that NOTIFY_ON lets through, concurrently; never throws. Returns the results
 * in sink order ([] when filtered out). The report is not changed: the caller puts the results
 * into `report.notifications`, after the sinks have seen the report without them.
 */
export async function sendNotifications(
  report: Report,
  sinks: readonly Sink[],
  on: NotifyOptions['on'],
): Promise<NotificationResult[]> {
  if (sinks.length === 0) return [];
  let wanted: boolean;
  try {
    wanted = shouldNotify(report, on);
  } catch {
    // A report too broken to judge is exactly the one someone should see.
    wanted = on !== 'never';
  }
  if (!wanted) return [];
  return Promise.all(sinks.map((sink) => deliverReport(sink, report)));
}
