import { setTimeout as delay } from 'node:timers/promises';

/**
 * The run's time budget. Every request asks it before starting and cuts its timeout to what is
 * left, so that no request starts, or waits, past the end of the budget (README
 * "Configuration", DRS_DEADLINE_MS). The clock is injected so tests can move time by hand.
 */
export interface Deadline {
  /** Milliseconds left; `Infinity` when the run has no budget. Never negative. */
  remainingMs(): number;
  /** True once the budget is spent. */
  expired(): boolean;
}

/** A clock in epoch milliseconds. */
export type Clock = () => number;

/** A pause of `ms` milliseconds; injected so tests need not wait for real. */
export type Sleep = (ms: number) => Promise<void>;

/** The tool's one real pause (a timer, no I/O). */
export const sleep: Sleep = (ms) => delay(ms);

/** A budget of `budgetMs` from now, or no budget at all when `budgetMs` is undefined. */
export function createDeadline(budgetMs: number | undefined, clock: Clock = Date.now): Deadline {
  if (budgetMs === undefined) return NO_DEADLINE;
  const endsAt = clock() + budgetMs;
  return {
    remainingMs: () => Math.max(0, endsAt - clock()),
    expired: () => clock() >= endsAt,
  };
}

/** For callers outside a run (tests, one-off calls): never expires. */
export const NO_DEADLINE: Deadline = {
  remainingMs: () => Number.POSITIVE_INFINITY,
  expired: () => false,
};
