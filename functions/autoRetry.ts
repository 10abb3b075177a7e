/**
 * The Lambda face: the handler body is the run; middy middlewares do the chores around it
 * (README, "Deploying on AWS Lambda"):
 *   bindLogger    a child logger per invocation (request id, function name, runId)
 *   logErrors     an error logged once, then thrown on, so Lambda counts it
 *   logReport     the report logged in lines CloudWatch keeps whole (≤ 256 KiB)
 *   publishMetrics the metrics written as one EMF line
 *   reportMetrics the report's counts as metrics
 *   parseInput    event + environment → RunConfig, LOG_LEVEL
 *   timeBudget    min(DRS_DEADLINE_MS, remaining time − 10 s)
 * A run that failed as a whole is thrown as RunFailedError after its report is logged.
 */
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { runAndNotify, RunFailedError, type Report } from '../lib/app/index.js';
import { createLogger } from '../lib/log.js';
import { bindLogger } from './middleware/bindLogger.js';
import { EmfMetrics, publishMetrics } from './middleware/emfMetrics.js';
import type { InvocationState } from './middleware/invocation.js';
import { logErrors } from './middleware/logErrors.js';
import { logReport } from './middleware/logReport.js';
import { parseInput } from './middleware/parseInput.js';
import { reportMetrics } from './middleware/reportMetrics.js';
import { SAFETY_MARGIN_MS, SINKS_WITHIN_MARGIN, timeBudget } from './middleware/timeBudget.js';

export { RunFailedError } from '../lib/app/index.js';

/** CloudWatch namespace and `service` dimension of the run's metrics (README, "Logs and metrics"). */
export const METRICS_NAMESPACE = 'DrsAutoRetry';
export const SERVICE = 'drs-auto-retry';

/**
 * middy's own timeout fires this long before Lambda's. It must stay well inside the safety
 * margin, so that it never fires before the run's budget is spent and its report written.
 */
export const MIDDY_TIMEOUT_EARLY_MS = 1_000;

// LOG_LEVEL is applied to each invocation's child logger when parseInput has read the settings.
const logger = createLogger({ fd: 1, level: 'info' });
const metrics = new EmfMetrics({ namespace: METRICS_NAMESPACE, service: SERVICE });

async function autoRetry(_event: unknown, context: Context): Promise<Report> {
  // Set by the middlewares below, before the handler runs.
  const { config, deadline, logger: log, runId } = context as Context & InvocationState;
  const report = await runAndNotify(config, {
    deadline,
    logger: log,
    runId,
    ...SINKS_WITHIN_MARGIN,
  });
  if (report.error) throw RunFailedError.of(report);
  return report;
}

export const handler = middy<unknown, Report, Error, Context>(autoRetry, { timeoutEarlyInMillis: MIDDY_TIMEOUT_EARLY_MS })
  .use(bindLogger({ logger }))
  .use(logErrors({ logger }))
  .use(logReport())
  .use(publishMetrics(metrics))
  .use(reportMetrics({ metrics }))
  // `serverless invoke local` sets IS_LOCAL: its settings come from the shell, its event from -p.
  .use(parseInput({ jobSources: process.env.IS_LOCAL === 'true' ? 'invokeLocal' : 'function' }))
  .use(timeBudget({ marginMs: SAFETY_MARGIN_MS }));
