import { ConfigError } from '../errors.js';
import type { LedgerSettings } from '../ledger/settings.js';
import type { NotifySettings } from '../notify/settings.js';
import type { LogLevel } from '../log.js';
import { checkLogLevel } from './logLevel.js';
import { DEFAULT_RETRY_STATUSES } from '../core/taskStatuses.js';
import { resolveAuth, type AuthSettings } from './auth.js';
import { checkUrl, defined, pickInteger, read, readBoolean, readInteger, type Env, type UrlShape } from './env.js';
import type { RunRequest, Trigger } from './events.js';
import { resolveLedger } from './ledger.js';
import { resolveNotify } from './notify.js';
import { checkJobId, checkProjectId, checkRegion, checkRetryStatuses, LIMITS, preview } from './valueChecks.js';

/** Everything one run needs, validated: env, event payload and CLI flags merged by precedence. */
export interface RunConfig {
  trigger: Trigger;
  region: string;
  projectId?: string;
  projectName?: string;
  auth: AuthSettings;
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
  notify: NotifySettings;
  /** Retry budget and run lease. */
  ledger: LedgerSettings;
  /** DRS_VERIFY_AFTER_MS: re-read retried jobs this long after the retries; absent = off. */
  verifyAfterMs?: number;
  /** LOG_LEVEL, when set; each face has its own default. */
  logLevel?: LogLevel;
}

/** CLI-only extras that rank above the payload (flags). */
export interface CliOverrides {
  jobIds?: string[];
  dryRun?: boolean;
  discover?: boolean;
  batchSize?: number;
  concurrency?: number;
  deadlineMs?: number;
}

export const DEFAULT_REGION = 'eu-de';
const PROJECT_NAME_PATTERN = /^[\w.-]{1,128}$/;

function collectJobIds(env: Env, request: RunRequest, cli: CliOverrides): string[] {
  const ids = new Set<string>();
  const listed = read(env, 'DRS_JOB_IDS')?.split(/[\s,]+/).filter(Boolean) ?? [];
  listed.forEach((id, i) => ids.add(checkJobId(id, 'DRS_JOB_IDS', `DRS_JOB_IDS entry ${i + 1}`)));
  request.payload.jobIds?.forEach((id, i) => ids.add(checkJobId(id, `event.jobIds[${i}]`)));
  cli.jobIds?.forEach((id) => ids.add(checkJobId(id, '--job')));
  if (ids.size <= LIMITS.jobIds.max) return [...ids];
  throw new ConfigError(`${ids.size} job IDs given, at most ${LIMITS.jobIds.max} per run; split them over several runs`, { field: 'jobIds' });
}

function resolveProject(env: Env, request: RunRequest, auth: AuthSettings): { projectId?: string; projectName?: string } {
  const fromEnv = read(env, 'OS_PROJECT_ID');
  const fromEvent = request.payload.projectId;
  const projectId = fromEvent !== undefined ? checkProjectId(fromEvent, 'event.projectId')
    : fromEnv !== undefined ? checkProjectId(fromEnv, 'OS_PROJECT_ID') : undefined;
  const projectName = read(env, 'OS_PROJECT_NAME');
  if (projectName !== undefined && !PROJECT_NAME_PATTERN.test(projectName)) {
    throw new ConfigError(`OS_PROJECT_NAME is not a project name: ${preview(projectName)}; use the name from the console, e.g. eu-de`,
      { field: 'OS_PROJECT_NAME' });
  }
  if (projectId === undefined && auth.kind !== 'password') {
    throw new ConfigError('set OS_PROJECT_ID: it is required with AK/SK signing and with OS_AUTH_TOKEN '
      + '(OS_PROJECT_NAME only scopes a password login)', { field: 'OS_PROJECT_ID' });
  }
  if (projectId === undefined && projectName === undefined) {
    throw new ConfigError('set OS_PROJECT_ID or OS_PROJECT_NAME: DRS tasks belong to a project', { field: 'OS_PROJECT_ID' });
  }
  return defined({ projectId, projectName });
}

/**
 * Merges env, the normalised event and CLI flags into one RunConfig.
 * Precedence: CLI flag > event payload > env > default; job IDs of all three are unioned.
 * @throws ConfigError naming the variable or field at fault, never a secret value.
 */
export function loadConfig(env: Env, request: RunRequest, cli: CliOverrides = {}): RunConfig {
  const { payload } = request;
  const allowInsecure = readBoolean(env, 'DRS_ALLOW_INSECURE_HTTP') ?? false;
  const region = payload.region !== undefined ? checkRegion(payload.region, 'event.region')
    : checkRegion(read(env, 'OS_REGION_NAME') ?? DEFAULT_REGION, 'OS_REGION_NAME');
  const { auth, ignored: ignoredAuth } = resolveAuth(env);
  const endpoint = (name: string, shape: UrlShape, fallback: string) => {
    const value = read(env, name);
    return value === undefined ? fallback : checkUrl(value, name, shape, allowInsecure);
  };
  const envStatuses = read(env, 'DRS_RETRY_STATUSES');
  const integer = (key: 'batchSize' | 'concurrency', flag: string, name: string) =>
    pickInteger([[cli[key], flag], [payload[key], `event.${key}`]], env, name, LIMITS[key]) ?? LIMITS[key].default;
  const deadlineMs = pickInteger([[cli.deadlineMs, '--deadline-ms']], env, 'DRS_DEADLINE_MS', LIMITS.deadlineMs);
  const jobIds = collectJobIds(env, request, cli);
  const discover = cli.discover ?? payload.discover ?? readBoolean(env, 'DRS_DISCOVER') ?? false;
  return {
    trigger: request.trigger,
    region,
    ...resolveProject(env, request, auth),
    auth,
    ignoredAuth,
    authUrl: endpoint('OS_AUTH_URL', 'base', `https://iam.${region}.otc.t-systems.com/v3`),
    drsEndpoint: endpoint('DRS_ENDPOINT', 'origin', `https://drs.${region}.otc.t-systems.com`),
    smnEndpoint: endpoint('SMN_ENDPOINT', 'origin', `https://smn.${region}.otc.t-systems.com`),
    jobIds,
    discover,
    retryStatuses: payload.retryStatuses !== undefined ? checkRetryStatuses(payload.retryStatuses, 'event.retryStatuses')
      : checkRetryStatuses(envStatuses?.split(',') ?? DEFAULT_RETRY_STATUSES, 'DRS_RETRY_STATUSES'),
    batchSize: integer('batchSize', '--batch-size', 'DRS_BATCH_SIZE'),
    concurrency: integer('concurrency', '--concurrency', 'DRS_CONCURRENCY'),
    dryRun: cli.dryRun ?? payload.dryRun ?? readBoolean(env, 'DRS_DRY_RUN') ?? false,
    timeoutMs: readInteger(env, 'DRS_TIMEOUT_MS', LIMITS.timeoutMs) ?? LIMITS.timeoutMs.default,
    ...defined({ deadlineMs }),
    reEdit: readBoolean(env, 'DRS_RE_EDIT') ?? false,
    notify: resolveNotify(env, allowInsecure),
    ledger: resolveLedger(env, allowInsecure),
    ...defined({ verifyAfterMs: resolveVerifyAfter(env, deadlineMs) }),
    ...defined({ logLevel: checkLogLevel(read(env, 'LOG_LEVEL')) }),
  };
}

function resolveVerifyAfter(env: Env, deadlineMs: number | undefined): number | undefined {
  const verifyAfterMs = readInteger(env, 'DRS_VERIFY_AFTER_MS', LIMITS.verifyAfterMs);
  if (verifyAfterMs !== undefined && deadlineMs !== undefined && verifyAfterMs >= deadlineMs) {
    throw new ConfigError(`DRS_VERIFY_AFTER_MS (${verifyAfterMs}) must fit in DRS_DEADLINE_MS (${deadlineMs}): lower it, or raise the deadline`, { field: 'DRS_VERIFY_AFTER_MS' });
  }
  return verifyAfterMs;
}
