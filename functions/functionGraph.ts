/**
 * The FunctionGraph face (README "Deploying on FunctionGraph"): a timer's or a manual event →
 * the same run as the CLI and Lambda → the report, logged as JSON lines of at most 90 KiB on
 * stdout (which FunctionGraph sends to LTS) and returned. Settings come from the function's user
 * data, credentials from its agency unless an OS_* credential is set.
 */
import middy from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import type { Report } from '../lib/core/report.js';
import { createDeadline } from '../lib/core/deadline.js';
import { ConfigError } from '../lib/errors.js';
import { loadConfig } from '../lib/input/config.js';
import { normaliseEvent } from '../lib/input/events.js';
import { functionGraphSettings, type FunctionGraphSettingsContext } from '../lib/input/functionGraphSettings.js';
import { createLogger } from '../lib/log.js';
import { runAndNotify } from '../lib/engine/runAndNotify.js';

/** Time kept back from the function's timeout, so the report is always written and returned. */
export const SAFETY_MARGIN_MS = 10_000;

/** The context FunctionGraph passes an event function (the runtime's Context class). */
export interface FunctionGraphContext extends FunctionGraphSettingsContext {
  getRemainingTimeInMilliSeconds?(): number;
  getRequestID?(): string;
}

async function functionGraph(event: unknown, context: FunctionGraphContext): Promise<Report> {
  const { env, credentials } = functionGraphSettings(context);
  const logger = createLogger({ fd: 1, level: env.LOG_LEVEL ?? 'info' }).child({ requestId: context.getRequestID?.() });
  let config;
  try {
    if (credentials === 'none') {
      throw new ConfigError('no credentials: give the function an agency (a new or changed agency takes about 10 minutes '
        + 'to reach FunctionGraph), or set OS_AUTH_TOKEN, OS_ACCESS_KEY and OS_SECRET_KEY, or OS_USERNAME, OS_PASSWORD '
        + 'and OS_USER_DOMAIN_NAME in the encrypted user data', { field: 'auth' });
    }
    config = loadConfig(env, normaliseEvent(event));
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error({ error: { code: error.code, field: error.field, message: error.message } }, 'invalid input or configuration');
    }
    throw error;
  }
  logger.info({ credentials }, 'credentials');
  const remaining = context.getRemainingTimeInMilliSeconds?.();
  const fromTimeout = remaining === undefined ? undefined : Math.max(1_000, remaining - SAFETY_MARGIN_MS);
  const budget = fromTimeout === undefined ? config.deadlineMs : Math.min(fromTimeout, config.deadlineMs ?? Infinity);
  const report = await runAndNotify(config, {
    deadline: createDeadline(budget),
    logger,
    sinkTimeoutMs: 3_000,
    sinkRetry: { maxAttempts: 2, maxDelayMs: 1_000 },
  });
  // A failed run is still answered with its report (README "Deploying on FunctionGraph"); the
  // error level lets an LTS keyword alarm catch it.
  logger[report.error ? 'error' : 'info']({ report }, 'drs-auto-retry report');
  return report;
}

/**
 * middy's types require Lambda's context. FunctionGraph's has none of its fields, and middy itself
 * only reads getRemainingTimeInMillis, after checking that it exists.
 */
type MiddyContext = LambdaContext & FunctionGraphContext;

export const handler = middy<unknown, Report, Error, MiddyContext>(functionGraph);
