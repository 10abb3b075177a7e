import type { RetryLedger, RunSettings } from './ports.js';

/**
 * A scheduled run without a ledger starts every run with a fresh retry budget: a task that fails
 * again after each retry is retried on every run, never escalated, and a run that only retried
 * tells nobody (issue 21). A person who started a run by hand sees what it did; a schedule is
 * silent, so it says so in its report and log.
 */
export const NO_LEDGER_WARNING = 'no ledger: the retry budget resets every run, so a task that fails again after each retry '
  + 'is retried on every run and never escalated; set DRS_LEDGER_URL (PostgreSQL) or DRS_LEDGER_TABLE (DynamoDB)';

/** What the run says about its set-up, in the report's `warnings` and in the log. */
export function runWarnings(config: Pick<RunSettings, 'trigger'>, ledger: Pick<RetryLedger, 'persistent'>): string[] {
  return config.trigger === 'schedule' && !ledger.persistent ? [NO_LEDGER_WARNING] : [];
}
