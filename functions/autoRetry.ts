/**
 * The Lambda face: any trigger's event → the same run as the CLI → the report, logged as one
 * JSON line and returned. A run that failed as a whole is thrown as RunFailedError after the
 * report is logged, so Lambda's error metric and alarms see it.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { loadConfig } from '../lib/input/config.js';
import { createDeadline } from '../lib/core/deadline.js';
import type { Report } from '../lib/core/report.js';
import { ConfigError, DrsAutoRetryError, keepClassName } from '../lib/errors.js';
import { normaliseEvent } from '../lib/input/events.js';
import { createLogger } from '../lib/log.js';
import { runAndNotify } from '../lib/engine/runAndNotify.js';

/** Time kept back from Lambda's own timeout, so the report is always written (CONTRACT §1). */
export const LAMBDA_SAFETY_MARGIN_MS = 10_000;

/** The run failed as a whole (authentication, DRS unreachable); `report` holds the details. */
export class RunFailedError extends DrsAutoRetryError {
  static {
    keepClassName(this, 'RunFailedError');
  }

  constructor(readonly report: Report) {
    super(`drs-auto-retry run ${report.runId} failed: ${report.error?.message ?? 'unknown error'}`, {
      code: report.error?.code ?? 'RUN_FAILED',
    });
    this.name = 'RunFailedError';
  }
}

const logger = createLogger({ fd: 1, level: process.env.LOG_LEVEL || 'info' });

async function autoRetry(event: unknown, context: Context): Promise<Report> {
  let config;
  try {
    config = loadConfig(process.env, normaliseEvent(event));
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error({ error: { code: error.code, field: error.field, message: error.message } }, 'invalid input or configuration');
    }
    throw error;
  }
  const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const budget =
    config.deadlineMs ?? (remaining === undefined ? undefined : Math.max(1_000, remaining - LAMBDA_SAFETY_MARGIN_MS));
  const deadline = createDeadline(budget);
  const report = await runAndNotify(config, {
    deadline,
    logger,
    // Two short attempts per sink fit in the safety margin kept back for the report.
    sinkTimeoutMs: 3_000,
    sinkRetry: { maxAttempts: 2, maxDelayMs: 1_000 },
  });
  logger.info({ report }, 'drs-auto-retry report');
  if (report.error) throw new RunFailedError(report);
  return report;
}

export const handler = middy(autoRetry);
