import { AUTH_VARIABLES } from '../input/index.js';
import type { RunConfig } from '../input/index.js';
import { connectDrs, type Connection } from './connect.js';
import type { Clock, Deadline } from '../core/deadline.js';
import type { Report } from '../core/report.js';
import type { ExchangeNotice } from '../http/httpClient.js';
import type { RetryOptions } from '../http/retryPolicy.js';
import { openLedger } from '../ledger/index.js';
import { messageOf } from '../errors.js';
import { createSinks, sendNotifications } from '../notify/index.js';
import { runAutoRetry, type RunDependencies } from '../engine/index.js';
import { bindRunId, type FaceLogger } from './runLogger.js';

export interface RunAndNotifyOptions {
  deadline: Deadline;
  /** The face's logger; every line of the run carries the run's id (bound here, unless the face bound it). */
  logger: FaceLogger;
  /** The run's id; default: the one the logger carries, else a new UUID. */
  runId?: string;
  onProgress?: RunDependencies['onProgress'];
  /** Per-attempt timeout of each sink; the Lambda face keeps it short to fit its safety margin. */
  sinkTimeoutMs?: number;
  sinkRetry?: Partial<RetryOptions>;
  /** DRS/IAM backoff bounds; only tests and the benchmark shorten them. */
  retry?: Partial<RetryOptions>;
  /** FunctionGraph: the AK/SK are the agency's; its token is tried once DRS refuses them. */
  agency?: { token?: string };
  /** The time of day for the engine, the ledger and NOTIFY_ON=changes; only tests move it. */
  clock?: Clock;
  /** NOTIFY_ON=changes: the most its ledger read, and its write, may take each. */
  memoryTimeoutMs?: number;
}

/**
 * What both faces do: connect, run, then hand the report to the notification sinks and record
 * what each did in `report.notifications`. A failing sink never changes an outcome or the run's
 * exit status; it is logged and recorded, that is all.
 */
export async function runAndNotify(config: RunConfig, options: RunAndNotifyOptions): Promise<Report> {
  const { runId, logger } = bindRunId(options.logger, options.runId);
  // LOG_LEVEL=debug: one line per HTTP exchange, DRS, IAM and the sinks alike.
  const onExchange = (notice: ExchangeNotice) => logger.debug({ http: notice }, 'HTTP exchange');
  if (config.ignoredAuth.length > 0) {
    // Not an error (README "Configuration"), but the user should know which credentials are used.
    logger.info({ auth: config.auth.kind, ignored: config.ignoredAuth },
      `${config.ignoredAuth.join(' and ')} also set and ignored: ${AUTH_VARIABLES[config.auth.kind]} ranks higher`);
  }
  let connection: Connection | undefined;
  const clock = options.clock ?? Date.now;
  const ledger = await openLedger(config.ledger, { clock });
  try {
    const report = await runAutoRetry(config, {
      connect: async () => {
        connection = await connectDrs(config, {
          deadline: options.deadline,
          retry: options.retry,
          agency: options.agency,
          onRetry: (notice) => logger.warn({ retry: notice }, 'retrying a DRS/IAM call'),
          onExchange,
        });
        return connection;
      },
      ledger,
      deadline: options.deadline,
      logger,
      runId,
      onProgress: options.onProgress,
      clock,
    });
    const sinks = await createSinks(config.notify, {
      smn: connection && { authorizer: connection.authorizer, endpoint: config.smnEndpoint, projectId: connection.projectId },
      timeoutMs: options.sinkTimeoutMs,
      retry: options.sinkRetry,
      proxies: config.proxies,
      onExchange,
    });
    // NOTIFY_ON=changes reads and writes the ledger, so it stays open until the sinks are done.
    // Without a sink there is nothing to tell, and tellOnce is not even loaded (in the Lambda
    // bundle it is a file beside it: scripts/bundleOptions.mjs, SIDE_FILES).
    report.notifications = config.notify.on === 'changes' && sinks.length > 0
      ? await (await import('./tellOnce.js')).tellOnce(report, sinks, { ledger, clock, logger, memoryTimeoutMs: options.memoryTimeoutMs })
      : await sendNotifications(report, sinks, config.notify.on);
    for (const failed of report.notifications.filter((n) => !n.ok)) {
      logger.warn({ notification: failed }, 'a notification sink failed; the report is still complete');
    }
    return report;
  } finally {
    await ledger.close?.().catch((error: unknown) => logger.warn({ error: messageOf(error) }, 'could not close the ledger\'s connections'));
  }
}
