import { randomBytes } from 'node:crypto';

/** What the emulator remembers about an X-Subject-Token it issued. */
export interface IssuedToken {
  value: string;
  userName: string;
  domainName: string;
  /** Undefined for domain-scoped tokens, which are valid for no project's DRS or SMN calls. */
  projectId: string | undefined;
  issuedAt: number;
  expiresAt: number;
  /** Authenticated calls left before the token answers DRS.M00100; undefined means unlimited. */
  callsLeft: number | undefined;
}

/** Issues opaque tokens and tracks their scope, lifetime and injected expiry. */
export class TokenStore {
  #tokens = new Map<string, IssuedToken>();
  #issued: string[] = [];
  readonly #now: () => number;
  readonly #ttlMs: number;
  /** The call budget of tokens issued from now on (`expireAfterCalls` with `alsoLater`). */
  #laterCalls: number | undefined;

  constructor(now: () => number, ttlMs: number) {
    this.#now = now;
    this.#ttlMs = ttlMs;
  }

  issue(userName: string, domainName: string, projectId: string | undefined): IssuedToken {
    // Real tokens are kilobytes of signed PKI data starting with MII; only size and opacity matter here.
    const value = `MIIEhgYJKoZIhvcNAQcCoIIEdzCCBHMCAQExDTALBglghkgBZQMEAgEwggJ${randomBytes(480).toString('base64url')}`;
    const issuedAt = this.#now();
    const token: IssuedToken = {
      value, userName, domainName, projectId, issuedAt, expiresAt: issuedAt + this.#ttlMs, callsLeft: this.#laterCalls,
    };
    this.#tokens.set(value, token);
    this.#issued.push(value);
    return token;
  }

  lookup(value: string): IssuedToken | undefined {
    return this.#tokens.get(value);
  }

  issued(): string[] {
    return [...this.#issued];
  }

  /** Tokens issued so far get a call budget; with `alsoLater`, so do tokens issued from now on. */
  expireAfterCalls(calls: number, alsoLater = false): void {
    for (const token of this.#tokens.values()) token.callsLeft = calls;
    if (alsoLater) this.#laterCalls = calls;
  }

  restore(): void {
    for (const token of this.#tokens.values()) token.callsLeft = undefined;
    this.#laterCalls = undefined;
  }
}
