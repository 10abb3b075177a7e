/**
 * The one error family of drs-auto-retry. Every error the tool raises on purpose is a
 * DrsAutoRetryError, so faces can tell "we know what went wrong" from a bug, and map it to an
 * exit code. Messages say what the user should do; they never carry a secret.
 */
import type { TaskItem } from './core/outcomes.js';
import type { RunError } from './core/report.js';

export class DrsAutoRetryError extends Error {
  /** A stable, machine-readable code for reports (e.g. `CONFIG_INVALID`, `DRS.M01503`). */
  readonly code: string;

  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    // Every class of the family is named after itself. Lambda and `serverless invoke local`
    // report an error's type by this name: the bundles keep class names through minification
    // (keepErrorNames, scripts/bundleOptions.mjs).
    this.name = new.target.name;
    this.code = options.code;
  }
}

/** What every class of the family takes after its message; each class has its own default code. */
export interface DrsErrorOptions {
  code?: string;
  cause?: unknown;
}

/** The message of anything thrown: an Error's own message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Bad configuration or input (env, event, argv). Nothing was sent to DRS. Exit code 2. */
export class ConfigError extends DrsAutoRetryError {
  /** The field or variable at fault, e.g. `DRS_BATCH_SIZE` or `event.jobIds[3]`. */
  readonly field: string | undefined;

  constructor(message: string, options: DrsErrorOptions & { field?: string } = {}) {
    super(message, { code: options.code ?? 'CONFIG_INVALID', cause: options.cause });
    this.field = options.field;
  }
}

/** IAM refused or could not issue a token, or the AK/SK was rejected. */
export class AuthError extends DrsAutoRetryError {
  readonly status: number | undefined;

  constructor(message: string, options: DrsErrorOptions & { status?: number } = {}) {
    super(message, { code: options.code ?? 'AUTH_FAILED', cause: options.cause });
    this.status = options.status;
  }
}

/**
 * An HTTP-level answer from an OTC API that is not a success: a status with the parsed error
 * code and message, and, where DRS sent them, the per-item results of a batch call.
 */
export class ApiError extends DrsAutoRetryError {
  /** HTTP status, or 0 when no answer arrived (reset, timeout, DNS). */
  readonly status: number;
  /** The service's own error code (`DRS.M01503`, `APIG.0308`, `SMN.0006`), or a transport code. */
  readonly apiCode: string | undefined;
  readonly apiMessage: string | undefined;
  readonly results: TaskItem[] | undefined;
  /** Which call failed, e.g. `DRS batch-retry-task`. */
  readonly operation: string;
  /** How many attempts were made before giving up. */
  readonly attempts: number;
  /**
   * A JSON 2xx answer that carries a top-level `error_code` (DRS's abnormal result,
   * abnormal_request_results.rst; error_code.rst gives DRS.M01504 with 202): DRS's verdict on the
   * request as a whole, to be handed to each of its jobs.
   */
  readonly inSuccessStatus: boolean;

  constructor(
    message: string,
    options: DrsErrorOptions & {
      operation: string;
      status: number;
      apiCode?: string;
      apiMessage?: string;
      results?: TaskItem[];
      attempts?: number;
      inSuccessStatus?: boolean;
    },
  ) {
    const code = options.code ?? options.apiCode ?? (options.status ? `HTTP_${options.status}` : 'NETWORK');
    super(message, { code, cause: options.cause });
    this.status = options.status;
    this.apiCode = options.apiCode;
    this.apiMessage = options.apiMessage;
    this.results = options.results;
    this.operation = options.operation;
    this.attempts = options.attempts ?? 1;
    this.inSuccessStatus = options.inSuccessStatus === true && options.apiCode !== undefined;
  }
}

/** The code of {@link PermissionError}: the report's `error.code` when IAM rights are missing. */
export const PERMISSION_DENIED = 'PERMISSION_DENIED';

/**
 * The API accepted the credentials but refused the operation for lack of IAM rights (DRS 403
 * DRS.M00102, 401 DRS.M00103). It is the same for every job, so the run stops as a whole: no
 * retry, no split, no refresh.
 */
export class PermissionError extends DrsAutoRetryError {
  /** Which call was refused, e.g. `DRS batch-retry-task`. */
  readonly operation: string;
  readonly status: number;
  /** The service's own code, e.g. `DRS.M00102`. */
  readonly apiCode: string | undefined;

  constructor(message: string, options: DrsErrorOptions & { operation: string; status: number; apiCode?: string }) {
    super(message, { code: options.code ?? PERMISSION_DENIED, cause: options.cause });
    this.operation = options.operation;
    this.status = options.status;
    this.apiCode = options.apiCode;
  }
}

/**
 * Errors after which no further call can succeed: the credentials were refused, or they lack
 * the rights. The run stops as a whole with the report's `error`.
 */
export function stopsTheRun(error: unknown): error is AuthError | PermissionError {
  return error instanceof AuthError || error instanceof PermissionError;
}

/** The code of every error the run's time budget caused, whatever class carries it. */
export const DEADLINE_EXCEEDED = 'DEADLINE_EXCEEDED';

/** The run's time budget (DRS_DEADLINE_MS) is spent: no new request may start. */
export class DeadlineExceededError extends DrsAutoRetryError {
  constructor(message: string, options: DrsErrorOptions = {}) {
    super(message, { code: options.code ?? DEADLINE_EXCEEDED, cause: options.cause });
  }

  /** The budget stopped `operation` (e.g. `DRS batch-retry-task`) before it started. */
  static before(operation: string): DeadlineExceededError {
    return new DeadlineExceededError(`${operation}: the run's time budget (DRS_DEADLINE_MS) is spent; the job is left for the next run`);
  }
}

/** The report's `error` for anything thrown: the family's own code, or `INTERNAL` for a bug. */
export function toRunError(error: unknown): RunError {
  return { code: error instanceof DrsAutoRetryError ? error.code : 'INTERNAL', message: messageOf(error) };
}

/** Type guard for errors this tool raised on purpose (as opposed to bugs). */
export function isDrsAutoRetryError(error: unknown): error is DrsAutoRetryError {
  return error instanceof DrsAutoRetryError;
}
