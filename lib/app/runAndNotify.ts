import { AUTH_VARIABLES } from '../input/index.js';
import type { RunConfig } from '../input/index.js';
import { connectDrs, type Connection } from './connect.js';
import type { Deadline } from '../core/deadline.js';
import type { Report } from '../core/report.js';
import type { RetryOptions } from '../http/retryPolicy.js';
import { openLedger } from '../ledger/index.js';
import { messageOf } from '../errors.js';
import { createSinks, sendNotifications } from '../notify/index.js';
import { runAutoRetry, type RunDependencies, type RunLogger } from '../engine/index.js';

export interface RunAndNotifyOptions {
  deadline: Deadline;
  logger: RunLogger;
  /** The run's id; a face that binds it to its logger first passes it here. Default: a new UUID. */
  runId?: string;
  onProgress?: RunDependencies['onProgress'];
  /** Per-attempt timeout of each sink; the Lambda face keeps it short to fit its safety margin. */
  sinkTimeoutMs?: number;
  sinkRetry?: Partial<RetryOptions>;
  /** DRS/IAM backoff bounds; only tests and the benchmark shorten them. */
  retry?: Partial<RetryOptions>;
  /** FunctionGraph: the AK/SK are the agency's; its token is tried once DRS refuses them. */
  agency?: { token?: string };
}

/**
 * What both faces do: connect, run, then hand the report to the notification sinks and record
 * what each did in `report.notifications`. A failing sink never changes an outcome or the run's
 * exit status; it is logged and recorded, that is all.
 */
export async function runAndNotify(config: RunConfig, options: RunAndNotifyOptions): Promise<Report> {
  const { logger } = options;
  if (config.ignoredAuth.length > 0) {
    // Not an error (README "Configuration"), but the user should know which credentials are used.
    logger.info({ auth: config.auth.kind, ignored: config.ignoredAuth },
      `${config.ignoredAuth.join(' and ')} also set and ignored: ${AUTH_VARIABLES[config.auth.kind]} ranks higher`);
  }
  let connection: Connection | undefined;
  const ledger = await openLedger(config.ledger);
  const report = await runAutoRetry(config, {
    connect: async () => {
      connection = await connectDrs(config, {
        deadline: options.deadline,
        retry: options.retry,
        agency: options.agency,
        onRetry: (notice) => logger.warn({ retry: notice }, 'retrying a DRS/IAM call'),
      });
      return connection;
    },
    ledger,
    deadline: options.deadline,
    logger,
    runId: options.runId,
    onProgress: options.onProgress,
  }).finally(() =>
    ledger.close?.().catch((error: unknown) => logger.warn({ error: messageOf(error) }, 'could not close the ledger\'s connections')),
  );
  const sinks = createSinks(config.notify, {
    smn: connection && { authorizer: connection.authorizer, endpoint: config.smnEndpoint, projectId: connection.projectId },
    timeoutMs: options.sinkTimeoutMs,
    retry: options.sinkRetry,
    proxies: config.proxies,
  });
  report.notifications = await sendNotifications(report, sinks, config.notify.on);
  for (const failed of report.notifications.filter((n) => !n.ok)) {
    logger.warn({ runId: report.runId, notification: failed }, 'a notification sink failed; the report is still complete');
  }
  return report;
}
