/**
 * When to try an OTC call again, and how long to wait first. Pure: the HTTP client feeds it
 * what happened and a random source, and it answers with a decision.
 */
import type { FailureKind } from '../core/failureKind.js';

/** Bounds of the retry loop. All of them are really enforced. */
export interface RetryOptions {
  /** Attempts in total, the first one included (1 = never retry). */
  maxAttempts: number;
  /** The first backoff ceiling; it doubles per attempt. */
  baseDelayMs: number;
  /** No backoff (nor Retry-After) waits longer than this. */
  maxDelayMs: number;
  /**
   * DRS requests only: throttling is retried at the run's adapted rate until no request was
   * accepted for this long (5 minutes; only tests shorten it), or until the deadline.
   */
  throttleGiveUpAfterMs?: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000 };

/** True for the kinds that another attempt, after a pause, may cure. */
export const isTransient = (kind: FailureKind): boolean =>
  kind === 'network' || kind === 'server' || kind === 'throttled' || kind === 'malformed';

/**
 * Capped exponential backoff with full jitter: a random wait in [0, min(max, base·2^n)).
 * A server's Retry-After wins over the jitter, but is still capped, so one bad header
 * cannot park the run.
 */
export function backoffDelayMs(
  retryIndex: number,
  options: RetryOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, options.maxDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/** Reads `Retry-After` as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: string | undefined, now: number = Date.now()): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
