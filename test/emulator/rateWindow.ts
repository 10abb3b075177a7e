import type { EmulatorRoute } from './types.js';

/** The routes DRS itself serves; IAM and SMN have limits of their own, not emulated here. */
const DRS_ROUTES: ReadonlySet<EmulatorRoute> = new Set(['batch-status', 'batch-detail', 'list', 'batch-retry']);
const WINDOW_MS = 1_000;

/**
 * DRS's request-rate limit as a sliding window: at most `perSecond` accepted requests in any
 * second; a request beyond it is answered 400 DRS.M01503 ("Operation too frequent", the DRS
 * error-code table) and does not count. Wall-clock time, like the request log.
 */
export class RateWindow {
  #perSecond: number | undefined;
  #accepted: number[] = [];

  constructor(perSecond?: number) {
    this.set(perSecond);
  }

  /** Sets the limit (undefined: none) and forgets the window. */
  set(perSecond: number | undefined): void {
    if (perSecond !== undefined && !(Number.isInteger(perSecond) && perSecond >= 1)) {
      throw new TypeError(`Expected \`rateLimit\` to be an integer from 1 and up, got ${perSecond}`);
    }
    this.#perSecond = perSecond;
    this.#accepted = [];
  }

  /** True when a request on `route` arriving at `now` is within the limit; it then counts. */
  admit(route: EmulatorRoute, now: number = Date.now()): boolean {
    if (this.#perSecond === undefined || !DRS_ROUTES.has(route)) return true;
    while (this.#accepted.length > 0 && (this.#accepted[0] ?? 0) <= now - WINDOW_MS) this.#accepted.shift();
    if (this.#accepted.length >= this.#perSecond) return false;
    this.#accepted.push(now);
    return true;
  }
}
