/** Which ledger keeps the retry budgets and the run lease, and the budget it applies (from the DRS_LEDGER_* settings). */
export interface LedgerOptions {
  /** DRS_LEDGER_TABLE: DynamoDB table; with neither it nor `url`, the in-memory ledger (stateless between runs). */
  table?: string;
  /** DRS_LEDGER_URL: a PostgreSQL database (postgres://user:password@host:port/database). A secret: it holds a password. */
  url?: string;
  /** DRS_LEDGER_ENDPOINT: a local DynamoDB, for tests and development. */
  endpoint?: string;
  /** DRS_MAX_ATTEMPTS: retries per job and failure episode. */
  maxAttempts: number;
  /** DRS_BACKOFF_BASE_MS: the first minimum interval between attempts; doubles, capped at 4 h. */
  backoffBaseMs: number;
}
