/**
 * The run's time budget: the platform's remaining time less a safety margin, which
 * DRS_DEADLINE_MS can shorten but never lengthen. The margin is what the report, the sinks and
 * the metrics need after the budget is spent, so they always happen before the platform's
 * timeout (README, "Deploying on AWS Lambda").
 */
import { createDeadline } from '../../lib/app/index.js';
import { optionError, required, type InvocationMiddleware } from './invocation.js';

/** Time kept back from the platform's timeout for the report, the sinks and the metrics. */
export const SAFETY_MARGIN_MS = 10_000;

/**
 * How a function sends its notifications: two short attempts per sink, and NOTIFY_ON=changes'
 * one read and one write of the ledger, fit in the safety margin.
 */
export const SINKS_WITHIN_MARGIN = { sinkTimeoutMs: 3_000, sinkRetry: { maxAttempts: 2, maxDelayMs: 1_000 }, memoryTimeoutMs: 1_000 } as const;

export interface TimeBudgetOptions<TContext extends object> {
  /**
   * The invocation's remaining time in ms, or undefined when the platform sets no limit.
   * Default: Lambda's `context.getRemainingTimeInMillis()`.
   */
  remainingMs?: (context: TContext) => number | undefined;
  marginMs?: number;
}

/** Checked for when the context is missing (tests, containers): no platform limit then. */
export const lambdaRemainingMs = (context: { getRemainingTimeInMillis?: () => number }): number | undefined =>
  typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;

const defaults = { remainingMs: lambdaRemainingMs, marginMs: SAFETY_MARGIN_MS };

/** min(DRS_DEADLINE_MS, remaining − margin), never below 0; undefined when neither is set. */
export function runBudgetMs(deadlineMs: number | undefined, remainingMs: number | undefined, marginMs: number): number | undefined {
  const platform = remainingMs === undefined || !Number.isFinite(remainingMs) ? undefined : Math.max(0, remainingMs - marginMs);
  if (platform === undefined) return deadlineMs;
  return deadlineMs === undefined ? platform : Math.min(deadlineMs, platform);
}

export function timeBudget<TContext extends object>(opts: TimeBudgetOptions<TContext> = {}): InvocationMiddleware<TContext> {
  const options = { ...defaults, ...opts };
  if (typeof options.remainingMs !== 'function') throw optionError('timeBudget', 'Expected `remainingMs` to be a function of the context');
  if (!Number.isInteger(options.marginMs) || options.marginMs < 0) {
    throw optionError('timeBudget', `Expected \`marginMs\` to be a whole number from 0 and up, got ${options.marginMs}`);
  }

  return {
    before(request) {
      const config = required(request, 'config', 'timeBudget', 'parseInput');
      request.context.deadline = createDeadline(runBudgetMs(config.deadlineMs, options.remainingMs(request.context), options.marginMs));
    },
  };
}
