/**
 * The FunctionGraph face (README "Deploying on FunctionGraph"): the handler body is the run; the
 * Lambda face's middy middlewares do the chores around it, each told how to read FunctionGraph's
 * context:
 *   bindLogger  a child logger per invocation (request id, function name, runId)
 *   logErrors   an error logged once, then thrown on
 *   fitResponse the returned report trimmed to the summary and the jobs that need a look when it is
 *               over 5/6 of RUNTIME_MAX_RESP_BODY_SIZE (6 MB): the log keeps every job
 *   logReport   the report logged in lines of at most 90 KiB, where the runtime's own logger splits
 *   parseInput  event + user data (context.getUserData, then process.env) + the agency → RunConfig, LOG_LEVEL
 *   timeBudget  min(DRS_DEADLINE_MS, getRemainingTimeInMilliSeconds() − 10 s)
 * No metrics: FunctionGraph has no CloudWatch. The report is returned, also when the run failed
 * as a whole, with `error` set.
 */
import middy from '@middy/core';
import type { Context as LambdaContext } from 'aws-lambda';
import { agencyToken, FUNCTIONGRAPH_LOG_LINE_BYTES, responseLimitBytes, runAndNotify, type Report } from '../lib/app/index.js';
import { ConfigError } from '../lib/errors.js';
import { functionGraphSettings, type CredentialOrigin, type Env, type FunctionGraphSettingsContext } from '../lib/input/index.js';
import { createLogger } from '../lib/log.js';
import { bindLogger } from './middleware/bindLogger.js';
import { fitResponse } from './middleware/fitResponse.js';
import type { InvocationState } from './middleware/invocation.js';
import { logErrors } from './middleware/logErrors.js';
import { logReport } from './middleware/logReport.js';
import { parseInput } from './middleware/parseInput.js';
import { SAFETY_MARGIN_MS, SINKS_WITHIN_MARGIN, timeBudget } from './middleware/timeBudget.js';

/** The context FunctionGraph passes an event function (the runtime's Context class). */
export interface FunctionGraphContext extends FunctionGraphSettingsContext {
  getRemainingTimeInMilliSeconds?(): number;
  getRequestID?(): string;
  getFunctionName?(): string;
}

type InvocationContext = FunctionGraphContext & Partial<InvocationState> & {
  /** Where this run's credentials come from (set with the settings, logged by the handler). */
  credentials?: CredentialOrigin;
};

/** With the agency's AK/SK: its token too, which DRS gets once it refuses the signature. */
function agencyOf(context: InvocationContext): { token?: string } | undefined {
  return context.credentials === 'agency AK/SK + security token' ? { token: agencyToken(context) } : undefined;
}

// Made before the first invocation; LOG_LEVEL, from user data or the environment, is applied
// to each invocation's child logger when parseInput has read the settings.
const logger = createLogger({ fd: 1, level: 'info' });

/** The invocation's settings; which credentials they hold is noted for the log, never the values. */
function settingsOf(context: InvocationContext): Env {
  const { env, credentials } = functionGraphSettings(context);
  if (credentials === 'none') {
    throw new ConfigError('no credentials: give the function an agency (a new or changed agency takes about 10 minutes '
      + 'to reach FunctionGraph), or set OS_AUTH_TOKEN, OS_ACCESS_KEY and OS_SECRET_KEY, or OS_USERNAME, OS_PASSWORD '
      + 'and OS_USER_DOMAIN_NAME as encrypted user data', { field: 'auth' });
  }
  context.credentials = credentials;
  return env;
}

async function functionGraph(_event: unknown, context: InvocationContext): Promise<Report> {
  // Set by the middlewares below, before the handler runs.
  const { config, deadline, logger: log, runId, credentials } = context as InvocationContext & InvocationState;
  log.info({ credentials }, 'credentials of this run');
  const report = await runAndNotify(config, {
    deadline,
    logger: log,
    runId,
    agency: agencyOf(context),
    ...SINKS_WITHIN_MARGIN,
  });
  // Returned, not thrown: the report is the answer (README "Deploying on FunctionGraph"); this
  // line is for an LTS keyword alarm.
  if (report.error) log.error({ error: report.error }, 'the run failed as a whole; its report follows');
  return report;
}

/**
 * middy's types require Lambda's context. FunctionGraph's has none of its fields, and middy itself
 * only reads getRemainingTimeInMillis, after checking that it exists.
 */
type MiddyContext = LambdaContext & InvocationContext;

export const handler = middy<unknown, Report, Error, MiddyContext>(functionGraph)
  .use(bindLogger<MiddyContext>({
    logger,
    requestFields: (context) => ({ requestId: context.getRequestID?.(), functionName: context.getFunctionName?.() }),
  }))
  .use(logErrors<MiddyContext>({ logger }))
  // Before logReport, so that its `after` runs after the log has every job.
  .use(fitResponse<MiddyContext>({ maxBytes: () => responseLimitBytes(process.env.RUNTIME_MAX_RESP_BODY_SIZE) }))
  .use(logReport<MiddyContext>({ maxLineBytes: FUNCTIONGRAPH_LOG_LINE_BYTES }))
  .use(parseInput<MiddyContext>({ settings: settingsOf }))
  .use(timeBudget<MiddyContext>({ remainingMs: (context) => context.getRemainingTimeInMilliSeconds?.(), marginMs: SAFETY_MARGIN_MS }));
