import { ConfigError } from '../errors.js';
import type { LedgerSettings } from '../ledger/settings.js';
import { checkUrl, defined, read, readInteger, type Env } from './env.js';
import { LIMITS, preview } from './valueChecks.js';

// DynamoDB's own rule for table names.
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/** DRS_LEDGER_* and the retry budget variables. */
export function resolveLedger(env: Env, allowInsecure: boolean): LedgerSettings {
  const table = read(env, 'DRS_LEDGER_TABLE');
  if (table !== undefined && !TABLE_NAME_PATTERN.test(table)) {
    throw new ConfigError(`DRS_LEDGER_TABLE is not a DynamoDB table name: ${preview(table)}; use 3 to 255 letters, digits, "_", "-" or "."`, { field: 'DRS_LEDGER_TABLE' });
  }
  const rawEndpoint = read(env, 'DRS_LEDGER_ENDPOINT');
  if (rawEndpoint !== undefined && table === undefined) {
    throw new ConfigError('DRS_LEDGER_ENDPOINT is set but DRS_LEDGER_TABLE is not: set the table too, or remove the endpoint', { field: 'DRS_LEDGER_ENDPOINT' });
  }
  return {
    ...defined({ table, endpoint: rawEndpoint === undefined ? undefined : checkUrl(rawEndpoint, 'DRS_LEDGER_ENDPOINT', 'origin', allowInsecure) }),
    maxAttempts: readInteger(env, 'DRS_MAX_ATTEMPTS', LIMITS.maxAttempts) ?? LIMITS.maxAttempts.default,
    backoffBaseMs: readInteger(env, 'DRS_BACKOFF_BASE_MS', LIMITS.backoffBaseMs) ?? LIMITS.backoffBaseMs.default,
  };
}
