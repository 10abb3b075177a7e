import { DrsAutoRetryError, type DrsErrorOptions } from '../errors.js';

/**
 * A sink could not even try (e.g. SMN without credentials). In its own file, so that the Lambda
 * bundle and the sinks beside it share one copy (scripts/bundleOptions.mjs, SHARED_FILES).
 */
export class SinkError extends DrsAutoRetryError {
  constructor(message: string, options: DrsErrorOptions = {}) {
    super(message, { code: options.code ?? 'NOTIFY_FAILED', cause: options.cause });
  }
}
