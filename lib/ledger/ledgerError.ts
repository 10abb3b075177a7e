import { DrsAutoRetryError, type DrsErrorOptions } from '../errors.js';

/**
 * The ledger (DynamoDB or PostgreSQL) could not be read or written: the run fails clearly rather
 * than go on without it. In its own file, so that neither adapter loads the other's driver.
 */
export class LedgerError extends DrsAutoRetryError {
  constructor(message: string, options: DrsErrorOptions = {}) {
    super(message, { code: options.code ?? 'LEDGER_UNAVAILABLE', cause: options.cause });
  }
}
