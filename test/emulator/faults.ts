import type { EmulatorRoute } from './types.js';

/** Misbehaviours the emulator can show instead of (or before) a normal answer. */
export type FaultKind =
  | 'latency'
  | 'throttle'
  | 'rate-limit'
  | 'server-error'
  | 'reset'
  | 'hang'
  | 'malformed-json'
  | 'html'
  | 'truncated'
  /**
   * 403 DRS.M00102 "Insufficient user permissions." (error_code.rst:23): the caller's IAM rights
   * lack the operation. Answered by DRS after authentication, so a bad token still gets its 401.
   */
  | 'permission-denied'
  /**
   * 401 DRS.M00103 "You do not have operation permissions. Check account permissions on IAM."
   * (error_code.rst:25), after authentication like `permission-denied`.
   */
  | 'no-operation-permission'
  /**
   * A 2xx whose body is only a top-level `{error_code, error_msg}` (abnormal_request_results.rst:15-17),
   * with no `results`: error_code.rst lists DRS.M01504 with status 202 (line 79) and DRS.M05066
   * with 200 (line 87). `errorCode` picks the code; default DRS.M01504.
   */
  | 'error-in-2xx'
  /**
   * From this request on, every token, issued so far or later, is refused on use (403 DRS.M00100);
   * the request itself then goes on normally (and is refused, unless it is the token request).
   */
  | 'expire-tokens';

/**
 * Which requests a rule applies to; `any` matches every request, unknown paths included, and `drs`
 * every DRS operation (list, batch-status, batch-detail, batch-retry).
 */
export type FaultRoute = Exclude<EmulatorRoute, 'unknown'> | 'drs' | 'any';

/**
 * Where a fault strikes: `gateway` faults before authentication (as the API gateway throttles or
 * fails before any service sees the request); `service` faults are DRS's own answers, so they
 * come after the credentials were accepted.
 */
export type FaultPhase = 'gateway' | 'service';

const SERVICE_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(['permission-denied', 'no-operation-permission', 'error-in-2xx']);
const DRS_ROUTES: ReadonlySet<string> = new Set<EmulatorRoute>(['list', 'batch-status', 'batch-detail', 'batch-retry']);

/** The phase in which a fault of this kind strikes. */
export function phaseOf(kind: FaultKind): FaultPhase {
  return SERVICE_KINDS.has(kind) ? 'service' : 'gateway';
}

function routeMatches(rule: FaultRoute, route: EmulatorRoute): boolean {
  return rule === 'any' || rule === route || (rule === 'drs' && DRS_ROUTES.has(route));
}

/** A fault to inject into the next `times` requests of `route`. */
export interface FaultRule {
  route: FaultRoute;
  kind: FaultKind;
  /** How many matching requests it affects; default 1, `Infinity` allowed. */
  times?: number;
  /** Delay before the fault (for `latency`: before answering normally). Required for `latency`. */
  ms?: number;
  /** Value of the `Retry-After` header of `rate-limit`; default 1. */
  retryAfterSeconds?: number;
  /** The top-level `error_code` of `error-in-2xx`; default DRS.M01504. */
  errorCode?: string;
}

const KINDS: ReadonlySet<string> = new Set<FaultKind>([
  'latency', 'throttle', 'rate-limit', 'server-error', 'reset', 'hang', 'malformed-json', 'html', 'truncated', 'expire-tokens',
  'permission-denied', 'no-operation-permission', 'error-in-2xx',
]);
const ROUTES: ReadonlySet<string> = new Set<FaultRoute>([
  'token', 'batch-status', 'batch-detail', 'list', 'batch-retry', 'smn', 'drs', 'any',
]);

/** How the injector reaches the token store without owning it. */
export interface TokenFaultHooks {
  /** `alsoLater`: tokens issued from now on get the same call budget. */
  expireTokens(afterCalls: number, alsoLater: boolean): void;
  restoreTokens(): void;
}

/** Queue of fault rules; the server consumes the first matching rule per request (FIFO). */
export class FaultInjector {
  #rules: Array<{ rule: FaultRule; left: number }> = [];
  readonly #hooks: TokenFaultHooks;

  constructor(hooks: TokenFaultHooks) {
    this.#hooks = hooks;
  }

  add(rule: FaultRule): void {
    if (!ROUTES.has(rule.route)) throw new TypeError(`Expected \`route\` to be one of ${[...ROUTES].join(', ')}, got ${String(rule.route)}`);
    if (!KINDS.has(rule.kind)) throw new TypeError(`Expected \`kind\` to be one of ${[...KINDS].join(', ')}, got ${String(rule.kind)}`);
    const times = rule.times ?? 1;
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times >= 1))) {
      throw new TypeError('Expected `times` to be an integer from 1 and up, or Infinity');
    }
    if (rule.ms !== undefined && !(Number.isFinite(rule.ms) && rule.ms >= 0)) {
      throw new TypeError('Expected `ms` to be a finite number from 0 and up');
    }
    if (rule.kind === 'latency' && rule.ms === undefined) throw new TypeError('A `latency` fault needs `ms`');
    if (phaseOf(rule.kind) === 'service') {
      // DRS's own answers: IAM and SMN never send them, and they come without a gateway delay.
      if (!(rule.route === 'drs' || DRS_ROUTES.has(rule.route))) {
        throw new TypeError(`A \`${rule.kind}\` fault is a DRS answer: give a DRS route or \`drs\`, got ${rule.route}`);
      }
      if (rule.ms !== undefined) throw new TypeError(`A \`${rule.kind}\` fault takes no \`ms\`; add a \`latency\` rule before it`);
    }
    if (rule.errorCode !== undefined && (rule.kind !== 'error-in-2xx' || !/^DRS\.M\d{5}$/.test(rule.errorCode))) {
      throw new TypeError('Expected `errorCode` only on `error-in-2xx`, shaped like DRS.M01504');
    }
    const retryAfter = rule.retryAfterSeconds;
    if (retryAfter !== undefined && !(Number.isInteger(retryAfter) && retryAfter >= 0)) {
      throw new TypeError('Expected `retryAfterSeconds` to be an integer from 0 and up');
    }
    this.#rules.push({ rule: { ...rule, times }, left: times });
  }

  /** Every token issued so far works for `calls` more authenticated calls, then answers 403 DRS.M00100. */
  expireTokensAfterCalls(calls: number): void {
    if (!(Number.isInteger(calls) && calls >= 0)) throw new TypeError('Expected `calls` to be an integer from 0 and up');
    this.#hooks.expireTokens(calls, false);
  }

  /** Drops every rule and lifts `expireTokensAfterCalls`, so each test can start clean. */
  clear(): void {
    this.#rules = [];
    this.#hooks.restoreTokens();
  }

  /** Rules not yet used up, with `times` set to what is left. */
  pending(): FaultRule[] {
    return this.#rules.map(({ rule, left }) => ({ ...rule, times: left }));
  }

  /** Used by the server: consumes one use of the first rule of `phase` matching `route`. */
  take(route: EmulatorRoute, phase: FaultPhase = 'gateway'): FaultRule | undefined {
    const index = this.#rules.findIndex(({ rule }) => phaseOf(rule.kind) === phase && routeMatches(rule.route, route));
    const found = this.#rules[index];
    if (found === undefined) return undefined;
    found.left -= 1;
    if (found.left <= 0) this.#rules.splice(index, 1);
    // Takes effect here, at the request that meets it, so a test can kill tokens at an exact
    // point of a run (no timer racing a fast client).
    if (found.rule.kind === 'expire-tokens') this.#hooks.expireTokens(0, true);
    return found.rule;
  }
}
