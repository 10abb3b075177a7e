import type { AuthMethod } from '../auth/authMethod.js';
import type { CauseRules } from '../core/causeRuleSet.js';
import { ConfigError } from '../errors.js';
import type { Proxies } from '../http/proxy.js';
import type { LedgerOptions } from '../ledger/options.js';
import type { LogLevel } from '../log.js';
import type { NotifyOptions } from '../notify/options.js';
import { resolveCauseRules } from './causeRules.js';
import type { RunRequest, Trigger } from './events.js';
import { chooseCredentials, checkEndpoints, checkLedger, checkWebhook, proxiesOf, resolveProject } from './settings/rules.js';
import { maskSecrets, readSettings, type Settings } from './settings/read.js';
import type { Env } from './settings/source.js';
import { check, checkInteger, checkJobId, LIMITS, projectId, region, retryStatuses, wholeNumber } from './values.js';

/** Everything one run needs, validated: settings, event payload and CLI flags merged by precedence. */
export interface RunConfig {
  trigger: Trigger;
  region: string;
  projectId?: string;
  projectName?: string;
  auth: AuthMethod;
  /** Lower-ranked credential methods that are also set, and ignored (README "Configuration"). */
  ignoredAuth: string[];
  authUrl: string;
  drsEndpoint: string;
  smnEndpoint: string;
  /** DRS_JOB_IDS, then payload ids, then CLI ids: de-duplicated, first-seen order. */
  jobIds: string[];
  discover: boolean;
  retryStatuses: string[];
  batchSize: number;
  concurrency: number;
  dryRun: boolean;
  timeoutMs: number;
  deadlineMs?: number;
  reEdit: boolean;
  notify: NotifyOptions;
  /** Retry budget and run lease. */
  ledger: LedgerOptions;
  /** DRS_VERIFY_AFTER_MS: re-read retried jobs this long after the retries; absent = off. */
  verifyAfterMs?: number;
  /** LOG_LEVEL, when set; each face has its own default. */
  logLevel?: LogLevel;
  /** HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY (README "Network and proxies"), for every request of the run. */
  proxies: Proxies;
  /** The failure-cause rules: the defaults, changed by DRS_CAUSE_RULES (README "Why did it fail?"). */
  causeRules: CauseRules;
}

/** CLI-only extras that rank above the payload (flags). */
export interface CliOverrides {
  jobIds?: string[];
  dryRun?: boolean;
  discover?: boolean;
  batchSize?: number;
  concurrency?: number;
  deadlineMs?: number;
  /**
   * Reads a file a setting names (`DRS_CAUSE_RULES=@path`). Only the CLI has one: a function's
   * settings cannot point into its own file system, so there `@path` is a configuration error.
   */
  readFile?: (path: string) => string;
}

function collectJobIds(settings: Settings, request: RunRequest, cli: CliOverrides): string[] {
  const ids = new Set<string>(settings.DRS_JOB_IDS);
  request.payload.jobIds?.forEach((id, i) => ids.add(checkJobId(id, `event.jobIds[${i}]`)));
  cli.jobIds?.forEach((id) => ids.add(checkJobId(id, '--job')));
  if (ids.size <= LIMITS.jobIds.max) return [...ids];
  throw new ConfigError(`${ids.size} job IDs given, at most ${LIMITS.jobIds.max} per run; split them over several runs`, { field: 'jobIds' });
}

/** The first layer with a value ([value, field] pairs, highest first), checked, else the setting. */
function pick(layers: Array<[number | undefined, string]>, limit: Parameters<typeof wholeNumber>[0], setting: number): number;
function pick(layers: Array<[number | undefined, string]>, limit: Parameters<typeof wholeNumber>[0], setting: number | undefined): number | undefined;
function pick(layers: Array<[number | undefined, string]>, limit: Parameters<typeof wholeNumber>[0], setting: number | undefined) {
  for (const [value, field] of layers) if (value !== undefined) return checkInteger(value, field, limit);
  return setting;
}

function build(settings: Settings, request: RunRequest, cli: CliOverrides): RunConfig {
  const { payload } = request;
  const runRegion = payload.region === undefined ? settings.OS_REGION_NAME : check(region, payload.region, 'event.region');
  const { auth, ignored: ignoredAuth } = chooseCredentials(settings);
  const proxies = proxiesOf(settings);
  checkEndpoints(settings, proxies);
  const deadlineMs = pick([[cli.deadlineMs, '--deadline-ms']], LIMITS.deadlineMs, settings.DRS_DEADLINE_MS);
  const verifyAfterMs = settings.DRS_VERIFY_AFTER_MS;
  if (verifyAfterMs !== undefined && deadlineMs !== undefined && verifyAfterMs >= deadlineMs) {
    throw new ConfigError(`DRS_VERIFY_AFTER_MS (${verifyAfterMs}) must fit in DRS_DEADLINE_MS (${deadlineMs}): lower it, or raise the deadline`,
      { field: 'DRS_VERIFY_AFTER_MS' });
  }
  checkWebhook(settings);
  checkLedger(settings);
  const config: RunConfig = {
    trigger: request.trigger,
    region: runRegion,
    ...resolveProject(settings, payload.projectId === undefined ? undefined : check(projectId, payload.projectId, 'event.projectId'), auth),
    auth,
    ignoredAuth,
    authUrl: settings.OS_AUTH_URL ?? `https://iam.${runRegion}.otc.t-systems.com/v3`,
    drsEndpoint: settings.DRS_ENDPOINT ?? `https://drs.${runRegion}.otc.t-systems.com`,
    smnEndpoint: settings.SMN_ENDPOINT ?? `https://smn.${runRegion}.otc.t-systems.com`,
    jobIds: collectJobIds(settings, request, cli),
    discover: cli.discover ?? payload.discover ?? settings.DRS_DISCOVER,
    retryStatuses: payload.retryStatuses === undefined ? settings.DRS_RETRY_STATUSES : check(retryStatuses, payload.retryStatuses, 'event.retryStatuses'),
    batchSize: pick([[cli.batchSize, '--batch-size'], [payload.batchSize, 'event.batchSize']], LIMITS.batchSize, settings.DRS_BATCH_SIZE),
    concurrency: pick([[cli.concurrency, '--concurrency'], [payload.concurrency, 'event.concurrency']], LIMITS.concurrency, settings.DRS_CONCURRENCY),
    dryRun: cli.dryRun ?? payload.dryRun ?? settings.DRS_DRY_RUN,
    timeoutMs: settings.DRS_TIMEOUT_MS,
    reEdit: settings.DRS_RE_EDIT,
    notify: withoutUnset({
      on: settings.NOTIFY_ON,
      webhookUrl: settings.NOTIFY_WEBHOOK_URL,
      webhookSecret: settings.NOTIFY_WEBHOOK_SECRET,
      slackWebhookUrl: settings.NOTIFY_SLACK_WEBHOOK_URL,
      teamsWebhookUrl: settings.NOTIFY_TEAMS_WEBHOOK_URL,
      smnTopicUrn: settings.NOTIFY_SMN_TOPIC_URN,
    }),
    ledger: withoutUnset({
      table: settings.DRS_LEDGER_TABLE,
      url: settings.DRS_LEDGER_URL,
      endpoint: settings.DRS_LEDGER_ENDPOINT,
      maxAttempts: settings.DRS_MAX_ATTEMPTS,
      backoffBaseMs: settings.DRS_BACKOFF_BASE_MS,
    }),
    proxies,
    causeRules: resolveCauseRules(settings.DRS_CAUSE_RULES, cli.readFile),
  };
  return withoutUnset({ ...config, deadlineMs, verifyAfterMs, logLevel: settings.LOG_LEVEL });
}

/** Drops undefined properties, so optional fields are absent rather than present-and-undefined. */
function withoutUnset<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Merges one face's settings (./settings/source.ts), the normalised event and CLI flags into one
 * RunConfig. Precedence: CLI flag > event payload > setting > default; job IDs of all three are
 * unioned.
 * @throws ConfigError naming the variable or field at fault, never a secret value.
 */
export function loadConfig(env: Env, request: RunRequest, cli: CliOverrides = {}): RunConfig {
  const settings = readSettings(env);
  try {
    return build(settings, request, cli);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const masked = maskSecrets(error.message, env);
    throw masked === error.message ? error : new ConfigError(masked, { field: error.field, cause: error.cause });
  }
}
