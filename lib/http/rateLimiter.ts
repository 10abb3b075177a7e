/**
 * The request rate of one run's DRS requests, adapted to what DRS accepts: AIMD (additive
 * increase, multiplicative decrease) on the request rate, with requests paced evenly at that
 * rate, and a server's Retry-After honoured as a pause for all of them (README, "Throttling").
 *
 * - No throttling, no limit: until DRS first throttles, requests start as fast as the
 *   concurrency allows, so a run DRS does not throttle is never slowed down.
 * - Decrease: a throttling answer sets the rate to 0.8 × what DRS accepted over the last second
 *   (or the current rate, if lower). At most once a second: the answers to requests sent before
 *   the decrease, and a sliding window still full of earlier requests, say nothing new.
 * - Increase: each accepted answer adds 1/rate, i.e. about one request a second per second,
 *   probing for more until the next throttling answer.
 * - Give up: only when no request was accepted for `giveUpAfterMs` (5 minutes), or at the run's
 *   deadline. Throttling alone never ends a job while DRS accepts some requests.
 */
import { sleep, type Clock, type Sleep } from '../core/deadline.js';

/** What one answer says about the rate DRS accepts. */
export type RateSignal = 'accepted' | 'throttled' | 'none';

export interface RateLimiterOptions {
  /** Epoch milliseconds; injected by tests. */
  clock?: Clock;
  sleep?: Sleep;
  /** No accepted request for this long ends the waiting; default 5 minutes (README). */
  giveUpAfterMs?: number;
}

export const GIVE_UP_AFTER_MS = 5 * 60_000;
/** Multiplicative decrease. 0.8, not TCP's 0.5: the sawtooth then averages 90 % of the limit. */
const DECREASE = 0.8;
/** Additive increase, in requests a second per second. */
const INCREASE = 1;
/** Never slower than one request in two seconds: DRS must get a chance to say yes again. */
const MIN_RATE = 0.5;
/** DRS and API Gateway count requests per second; one decrease per window. */
const WINDOW_MS = 1_000;
/** A Retry-After longer than this is not believed: it would park the run. */
const MAX_PAUSE_MS = 60_000;

/** One per run, shared by all its DRS requests. */
export class AdaptiveRateLimiter {
  readonly #clock: () => number;
  readonly #sleep: Sleep;
  readonly #giveUpAfterMs: number;
  /** Requests a second; Infinity until the first throttling answer. */
  #rate = Number.POSITIVE_INFINITY;
  /** The earliest start of the next request (pacing). */
  #nextAt = 0;
  /** No request starts before this (Retry-After). */
  #pausedUntil = 0;
  #lastDecreaseAt = Number.NEGATIVE_INFINITY;
  #lastAcceptedAt: number;
  /** Times of the accepted answers of the last window. */
  #recent: number[] = [];
  #throttled = 0;
  #accepted = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.#clock = options.clock ?? Date.now;
    this.#sleep = options.sleep ?? sleep;
    this.#giveUpAfterMs = options.giveUpAfterMs ?? GIVE_UP_AFTER_MS;
    this.#lastAcceptedAt = this.#clock();
  }

  /** The current rate in requests a second (Infinity: not limited). */
  get rate(): number {
    return this.#rate;
  }

  /** Answers so far: accepted, and throttled. */
  counts(): { accepted: number; throttled: number } {
    return { accepted: this.#accepted, throttled: this.#throttled };
  }

  /**
   * Waits for this request's turn. Resolves false, without waiting, when the turn would come
   * after `remainingMs()` (the run's deadline): the request must not start.
   */
  async acquire(remainingMs: () => number): Promise<boolean> {
    for (;;) {
      const now = this.#clock();
      const at = Math.max(now, this.#nextAt, this.#pausedUntil);
      const interval = Number.isFinite(this.#rate) ? 1000 / this.#rate : 0;
      if (at - now >= remainingMs()) return false;
      this.#nextAt = at + interval;
      if (at <= now) return true;
      await this.#sleep(at - now);
      // A Retry-After that arrived meanwhile holds this request too.
      if (this.#pausedUntil <= this.#clock()) return true;
    }
  }

  /** Learns from one answer (retryAfterMs: the answer's Retry-After, if any). */
  record(signal: RateSignal, retryAfterMs?: number): void {
    const now = this.#clock();
    if (signal === 'accepted') {
      this.#accepted++;
      this.#lastAcceptedAt = now;
      this.#recent.push(now);
      this.#forget(now);
      if (Number.isFinite(this.#rate)) this.#rate += INCREASE / this.#rate;
      return;
    }
    if (signal !== 'throttled') return;
    this.#throttled++;
    if (retryAfterMs !== undefined) this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.min(retryAfterMs, MAX_PAUSE_MS));
    if (now - this.#lastDecreaseAt < WINDOW_MS) return;
    this.#lastDecreaseAt = now;
    this.#forget(now);
    const accepted = Math.max(1, this.#recent.length);
    this.#rate = Math.max(MIN_RATE, DECREASE * Math.min(this.#rate, accepted));
    this.#nextAt = Math.max(this.#nextAt, now + 1000 / this.#rate);
  }

  #forget(now: number): void {
    while (this.#recent.length > 0 && (this.#recent[0] ?? 0) <= now - WINDOW_MS) this.#recent.shift();
  }

  /** True when DRS accepted none of the run's requests for `giveUpAfterMs`. */
  starved(): boolean {
    return this.#clock() - this.#lastAcceptedAt >= this.#giveUpAfterMs;
  }

  /** How long the waiting has lasted without an accepted request, for messages. */
  get giveUpAfterMs(): number {
    return this.#giveUpAfterMs;
  }
}
