import { ConfigError } from '../errors.js';
import type { LedgerSettings } from '../ledger/settings.js';
import { DEFAULT_RETRY_STATUSES } from '../core/taskStatuses.js';
import { checkInteger, checkJobId, checkProjectId, checkRegion, checkRetryStatuses, LIMITS, preview, type Limit } from './valueChecks.js';

export {
  DEFAULT_RETRY_STATUSES,
  FAILED_STATUSES,
  NEVER_RETRY_STATUSES,
  RETRYABLE_STATUSES,
} from '../core/taskStatuses.js';
export { JOB_ID_PATTERN, LIMITS, PROJECT_ID_PATTERN, REGION_PATTERN, type Limit } from './valueChecks.js';
import type { RunRequest, Trigger } from './events.js';

/** How the tool proves who it is to IAM and DRS; chosen in the order token, AK/SK, password. */
export type AuthSettings =
  | { kind: 'token'; token: string }
  | { kind: 'aksk'; accessKey: string; secretKey: string; securityToken?: string }
  | { kind: 'password'; username: string; password: string; domainName: string };

/** The notification sinks of CONTRACT §5; a sink is on when its variable is set. */
export interface NotifySettings {
  webhookUrl?: string;
  webhookSecret?: string;
  slackWebhookUrl?: string;
  teamsWebhookUrl?: string;
  smnTopicUrn?: string;
  on: 'always' | 'problems' | 'never';
}

/** Everything one run needs, validated: env, event payload and CLI flags merged by precedence. */
export interface RunConfig {
  trigger: Trigger;
  region: string;
  projectId?: string;
  projectName?: string;
  auth: AuthSettings;
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
  /** Retry budget, run lease and verification. */
  ledger: LedgerSettings;
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
// The URN ends up in a URL path, so it is held to the documented shape.
const SMN_URN_PATTERN = /^urn:smn:[a-z]{2,}-[a-z0-9-]+:[A-Za-z0-9-]{1,64}:[A-Za-z0-9][\w-]{0,255}$/;
// Tokens and keys go into HTTP headers: a stray newline would break (or inject into) the request.
const HEADER_SAFE = /^[\x21-\x7e]+$/;
const NOTIFY_ON = ['always', 'problems', 'never'] as const;
const BOOLEAN_WORDS = new Map([['true', true], ['1', true], ['yes', true], ['false', false], ['0', false], ['no', false]]);
// A password or raw webhook secret may really begin or end with a space; other values are trimmed.
const UNTRIMMED = new Set(['OS_PASSWORD', 'NOTIFY_WEBHOOK_SECRET']);

type Env = Record<string, string | undefined>;

/** Reads a variable; empty, or blank for a trimmed one, counts as unset. */
function read(env: Env, name: string): string | undefined {
  const raw = env[name];
  const value = raw === undefined || UNTRIMMED.has(name) ? raw : raw.trim();
  return value === '' ? undefined : value;
}

function readBoolean(env: Env, name: string): boolean | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  const parsed = BOOLEAN_WORDS.get(value.toLowerCase());
  if (parsed !== undefined) return parsed;
  throw new ConfigError(`${name} must be true or false (1/0 and yes/no work too), got ${preview(value)}`, { field: name });
}

function readInteger(env: Env, name: string, limit: Limit): number | undefined {
  const value = read(env, name);
  if (value === undefined) return undefined;
  // Digits only: Number() would also take "1e3", "0x10" and "".
  return checkInteger(/^\d{1,15}$/.test(value) ? Number(value) : Number.NaN, name, limit, value);
}

/** The first layer with a value wins ([value, field] pairs, highest first), then the variable, then the default. */
function pickInteger(layers: Array<[number | undefined, string]>, env: Env, name: string, limit: Limit): number | undefined {
  for (const [value, field] of layers) if (value !== undefined) return checkInteger(value, field, limit);
  return readInteger(env, name, limit) ?? limit.default;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** origin: scheme://host[:port]; base: may have a path; webhook: may also have a query, kept verbatim. */
type UrlShape = 'origin' | 'base' | 'webhook';

// URLs are never echoed: webhook URLs carry their secret in the path or query.
function checkUrl(raw: string, name: string, shape: UrlShape, allowInsecure: boolean): string {
  const fail = (why: string): never => {
    throw new ConfigError(`${name} ${why}`, { field: name });
  };
  const url = URL.canParse(raw) ? new URL(raw) : fail('must be an absolute http(s) URL, such as https://host.example.com');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('must be an http(s) URL; use https://');
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !allowInsecure) {
    fail('uses plain http to a host that is not loopback, so credentials would travel unencrypted; use https '
      + '(or set DRS_ALLOW_INSECURE_HTTP=true for a test endpoint)');
  }
  if (shape === 'webhook') return raw;
  if (url.username !== '' || url.password !== '') fail('must not contain user:password; credentials come from the OS_* variables');
  if (url.search !== '' || url.hash !== '') fail('must not have a query or fragment; remove everything from "?" or "#"');
  if (shape === 'base') return url.href.replace(/\/+$/, '');
  if (url.pathname !== '/') fail('must be scheme://host[:port] only, without a path; the tool adds /v3/{project_id}/...');
  return url.origin;
}

function headerSafe(value: string, name: string): string {
  if (HEADER_SAFE.test(value)) return value;
  throw new ConfigError(`${name} contains spaces, line breaks or non-ASCII characters; set it exactly as issued`, { field: name });
}

/** Names of the variables among `checks` that are unset. */
function missing(checks: Array<[string, string | undefined]>): string[] {
  return checks.filter(([, value]) => value === undefined).map(([name]) => name);
}

function resolveAuth(env: Env): AuthSettings {
  const token = read(env, 'OS_AUTH_TOKEN');
  if (token !== undefined) return { kind: 'token', token: headerSafe(token, 'OS_AUTH_TOKEN') };
  const [accessKey, secretKey, securityToken] = ['OS_ACCESS_KEY', 'OS_SECRET_KEY', 'OS_SECURITY_TOKEN'].map((n) => read(env, n));
  const [username, password] = ['OS_USERNAME', 'OS_PASSWORD'].map((n) => read(env, n));
  const akskSet = accessKey !== undefined || secretKey !== undefined || securityToken !== undefined;
  const passwordSet = username !== undefined || password !== undefined;
  if (akskSet && passwordSet) {
    throw new ConfigError('set either OS_ACCESS_KEY/OS_SECRET_KEY or OS_USERNAME/OS_PASSWORD, not both', { field: 'auth' });
  }
  if (akskSet) {
    if (accessKey === undefined || secretKey === undefined) {
      const absent = missing([['OS_ACCESS_KEY', accessKey], ['OS_SECRET_KEY', secretKey]]);
      throw new ConfigError(`AK/SK signing needs OS_ACCESS_KEY and OS_SECRET_KEY; set ${absent.join(' and ')}`, { field: absent[0] });
    }
    const keys = { accessKey: headerSafe(accessKey, 'OS_ACCESS_KEY'), secretKey: headerSafe(secretKey, 'OS_SECRET_KEY') };
    if (securityToken === undefined) return { kind: 'aksk', ...keys };
    return { kind: 'aksk', ...keys, securityToken: headerSafe(securityToken, 'OS_SECURITY_TOKEN') };
  }
  if (!passwordSet) {
    throw new ConfigError('no credentials: set OS_AUTH_TOKEN, or OS_ACCESS_KEY and OS_SECRET_KEY, '
      + 'or OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME', { field: 'auth' });
  }
  const [userDomain, aliasDomain] = [read(env, 'OS_USER_DOMAIN_NAME'), read(env, 'OS_DOMAIN_NAME')];
  if (userDomain !== undefined && aliasDomain !== undefined && userDomain !== aliasDomain) {
    throw new ConfigError('OS_USER_DOMAIN_NAME and OS_DOMAIN_NAME differ; set only one of them', { field: 'OS_DOMAIN_NAME' });
  }
  const domainName = userDomain ?? aliasDomain;
  if (username === undefined || password === undefined || domainName === undefined) {
    const absent = missing([['OS_USERNAME', username], ['OS_PASSWORD', password], ['OS_USER_DOMAIN_NAME', domainName]]);
    throw new ConfigError(`password authentication needs OS_USERNAME, OS_PASSWORD and OS_USER_DOMAIN_NAME (or OS_DOMAIN_NAME); `
      + `set ${absent.join(' and ')}`, { field: absent[0] });
  }
  return { kind: 'password', username, password, domainName };
}

function resolveNotify(env: Env, allowInsecure: boolean): NotifySettings {
  const url = (name: string) => {
    const value = read(env, name);
    return value === undefined ? undefined : checkUrl(value, name, 'webhook', allowInsecure);
  };
  const on = NOTIFY_ON.find((word) => word === (read(env, 'NOTIFY_ON')?.toLowerCase() ?? 'problems'));
  if (on === undefined) {
    throw new ConfigError(`NOTIFY_ON must be one of ${NOTIFY_ON.join(', ')} (got ${preview(read(env, 'NOTIFY_ON'))})`, { field: 'NOTIFY_ON' });
  }
  const webhookUrl = url('NOTIFY_WEBHOOK_URL');
  const webhookSecret = read(env, 'NOTIFY_WEBHOOK_SECRET');
  const smnTopicUrn = read(env, 'NOTIFY_SMN_TOPIC_URN');
  const fail = (message: string, field: string) => new ConfigError(message, { field });
  if (webhookSecret !== undefined && webhookUrl === undefined) {
    throw fail('NOTIFY_WEBHOOK_SECRET is set but NOTIFY_WEBHOOK_URL is not; set the URL or remove the secret', 'NOTIFY_WEBHOOK_SECRET');
  }
  // A mistyped whsec_ secret would make every signature wrong without any error.
  if (webhookSecret?.startsWith('whsec_') && !/^[A-Za-z0-9+/]+={0,2}$/.test(webhookSecret.slice(6))) {
    throw fail('NOTIFY_WEBHOOK_SECRET starts with whsec_ but the rest is not base64; copy it exactly as issued', 'NOTIFY_WEBHOOK_SECRET');
  }
  if (smnTopicUrn !== undefined && !SMN_URN_PATTERN.test(smnTopicUrn)) {
    throw fail(`NOTIFY_SMN_TOPIC_URN is not a topic URN: ${preview(smnTopicUrn)}; use urn:smn:{region}:{project_id}:{topic}`,
      'NOTIFY_SMN_TOPIC_URN');
  }
  const slackWebhookUrl = url('NOTIFY_SLACK_WEBHOOK_URL');
  const teamsWebhookUrl = url('NOTIFY_TEAMS_WEBHOOK_URL');
  return { on, ...defined({ webhookUrl, webhookSecret, slackWebhookUrl, teamsWebhookUrl, smnTopicUrn }) };
}

/** Drops undefined properties, so optional fields are absent rather than present-and-undefined. */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

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
  const auth = resolveAuth(env);
  const endpoint = (name: string, shape: UrlShape, fallback: string) => {
    const value = read(env, name);
    return value === undefined ? fallback : checkUrl(value, name, shape, allowInsecure);
  };
  const envStatuses = read(env, 'DRS_RETRY_STATUSES');
  const integer = (key: 'batchSize' | 'concurrency', flag: string, name: string) =>
    pickInteger([[cli[key], flag], [payload[key], `event.${key}`]], env, name, LIMITS[key]) ?? LIMITS[key].default;
  const deadlineMs = pickInteger([[cli.deadlineMs, '--deadline-ms']], env, 'DRS_DEADLINE_MS', LIMITS.deadlineMs);
  return {
    trigger: request.trigger,
    region,
    ...resolveProject(env, request, auth),
    auth,
    authUrl: endpoint('OS_AUTH_URL', 'base', `https://iam.${region}.otc.t-systems.com/v3`),
    drsEndpoint: endpoint('DRS_ENDPOINT', 'origin', `https://drs.${region}.otc.t-systems.com`),
    smnEndpoint: endpoint('SMN_ENDPOINT', 'origin', `https://smn.${region}.otc.t-systems.com`),
    jobIds: collectJobIds(env, request, cli),
    discover: cli.discover ?? payload.discover ?? readBoolean(env, 'DRS_DISCOVER') ?? false,
    retryStatuses: payload.retryStatuses !== undefined ? checkRetryStatuses(payload.retryStatuses, 'event.retryStatuses')
      : checkRetryStatuses(envStatuses?.split(',') ?? DEFAULT_RETRY_STATUSES, 'DRS_RETRY_STATUSES'),
    batchSize: integer('batchSize', '--batch-size', 'DRS_BATCH_SIZE'),
    concurrency: integer('concurrency', '--concurrency', 'DRS_CONCURRENCY'),
    dryRun: cli.dryRun ?? payload.dryRun ?? readBoolean(env, 'DRS_DRY_RUN') ?? false,
    timeoutMs: readInteger(env, 'DRS_TIMEOUT_MS', LIMITS.timeoutMs) ?? LIMITS.timeoutMs.default,
    ...defined({ deadlineMs }),
    reEdit: readBoolean(env, 'DRS_RE_EDIT') ?? false,
    notify: resolveNotify(env, allowInsecure),
    ledger: resolveLedger(env, deadlineMs, allowInsecure),
  };
}

// DynamoDB's own rule for table names.
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

function resolveLedger(env: Env, deadlineMs: number | undefined, allowInsecure: boolean): LedgerSettings {
  const table = read(env, 'DRS_LEDGER_TABLE');
  if (table !== undefined && !TABLE_NAME_PATTERN.test(table)) {
    throw new ConfigError(`DRS_LEDGER_TABLE is not a DynamoDB table name: ${preview(table)}; use 3 to 255 letters, digits, "_", "-" or "."`, { field: 'DRS_LEDGER_TABLE' });
  }
  const rawEndpoint = read(env, 'DRS_LEDGER_ENDPOINT');
  if (rawEndpoint !== undefined && table === undefined) {
    throw new ConfigError('DRS_LEDGER_ENDPOINT is set but DRS_LEDGER_TABLE is not: set the table too, or remove the endpoint', { field: 'DRS_LEDGER_ENDPOINT' });
  }
  const verifyAfterMs = readInteger(env, 'DRS_VERIFY_AFTER_MS', LIMITS.verifyAfterMs);
  if (verifyAfterMs !== undefined && deadlineMs !== undefined && verifyAfterMs >= deadlineMs) {
    throw new ConfigError(`DRS_VERIFY_AFTER_MS (${verifyAfterMs}) must fit in DRS_DEADLINE_MS (${deadlineMs}): lower it, or raise the deadline`, { field: 'DRS_VERIFY_AFTER_MS' });
  }
  return {
    ...defined({ table, endpoint: rawEndpoint === undefined ? undefined : checkUrl(rawEndpoint, 'DRS_LEDGER_ENDPOINT', 'origin', allowInsecure) }),
    maxAttempts: readInteger(env, 'DRS_MAX_ATTEMPTS', LIMITS.maxAttempts) ?? LIMITS.maxAttempts.default,
    backoffBaseMs: readInteger(env, 'DRS_BACKOFF_BASE_MS', LIMITS.backoffBaseMs) ?? LIMITS.backoffBaseMs.default,
    ...defined({ verifyAfterMs }),
  };
}

/** A secret-free view of the config for logs: the auth kind, never credentials; sink names, never their URLs. */
export function describeConfig(config: RunConfig) {
  const { auth, notify, jobIds, trigger, region, projectId, projectName, authUrl, drsEndpoint, smnEndpoint } = config;
  const sinks = (['webhook', 'slack', 'teams', 'smn'] as const).filter((sink) => ({
    webhook: notify.webhookUrl, slack: notify.slackWebhookUrl, teams: notify.teamsWebhookUrl, smn: notify.smnTopicUrn,
  })[sink] !== undefined);
  return {
    trigger, auth: auth.kind, region, projectId, projectName, authUrl, drsEndpoint, smnEndpoint,
    jobIds: jobIds.length, discover: config.discover, retryStatuses: config.retryStatuses,
    batchSize: config.batchSize, concurrency: config.concurrency, dryRun: config.dryRun,
    timeoutMs: config.timeoutMs, deadlineMs: config.deadlineMs, reEdit: config.reEdit,
    notify: { on: notify.on, sinks, signed: notify.webhookSecret !== undefined },
  };
}
