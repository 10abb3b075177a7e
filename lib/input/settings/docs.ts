/**
 * What README says of each setting of lib/input/settings/schema.ts: its row in a settings table
 * (`npm run docs:settings`, scripts/settingsTables.ts) and why a deployment does not offer it.
 * Keyed by the schema's names: the compiler refuses a setting without its text, or text for a
 * name the schema does not declare. Only the README generator and the tests read it, so the
 * functions' bundles leave it out (schema.ts says why).
 */
import { LOG_LEVELS } from '../../log.js';
import type { SettingName } from './schema.js';

/** The README tables that list settings (each between `<!-- settings:NAME -->` markers). */
export const TABLES = ['configuration', 'network', 'ledger', 'notify'] as const;
export type SettingsTable = (typeof TABLES)[number];

/** A setting's README text. */
export interface SettingDoc {
  /** The table that lists it. */
  table: SettingsTable;
  /** One line for that table (Markdown). */
  doc: string;
  /** The default as README says it, where the schema's `default` cannot (computed, or none). */
  shownDefault?: string;
  /** Why a deployment does not offer the variable, per deployment file. */
  notDeployed?: { serverless?: string; terraform?: string };
}

const NO_PLAIN_HTTP = 'plain-http endpoints are test endpoints; a function talks https';

export const SETTING_DOCS = {
  // README "Configuration"
  OS_REGION_NAME: { table: 'configuration', doc: 'region, e.g. `eu-de`, `eu-nl`' },
  OS_PROJECT_ID: {
    table: 'configuration', doc: 'project whose DRS tasks are handled',
    shownDefault: "required, unless password auth with `OS_PROJECT_NAME`; on FunctionGraph the function's own project",
  },
  OS_PROJECT_NAME: { table: 'configuration', doc: 'project name (e.g. `eu-de`) to scope the IAM token by name; the id is then read from IAM' },
  OS_USERNAME: {
    table: 'configuration',
    doc: 'IAM user for password authentication; the token is cached until 5 minutes before `expires_at` and refreshed once if DRS refuses it',
  },
  OS_PASSWORD: { table: 'configuration', doc: "the IAM user's password" },
  OS_USER_DOMAIN_NAME: { table: 'configuration', doc: "the IAM user's account (domain) name, e.g. `OTC-EU-DE-00000000001000000001`" },
  OS_ACCESS_KEY: { table: 'configuration', doc: 'access key for AK/SK request signing (SDK-HMAC-SHA256) instead of a token' },
  OS_SECRET_KEY: { table: 'configuration', doc: 'the secret key of `OS_ACCESS_KEY`' },
  OS_SECURITY_TOKEN: { table: 'configuration', doc: 'the security token of a temporary AK/SK (optional)' },
  OS_AUTH_TOKEN: { table: 'configuration', doc: 'a ready IAM token, used as is and never refreshed' },
  OS_AUTH_URL: { table: 'configuration', doc: 'IAM v3 endpoint', shownDefault: '`https://iam.{region}.otc.t-systems.com/v3`' },
  DRS_ENDPOINT: {
    table: 'configuration', doc: 'DRS endpoint (scheme + host[:port], no path)', shownDefault: '`https://drs.{region}.otc.t-systems.com`',
  },
  SMN_ENDPOINT: {
    table: 'configuration', doc: 'SMN endpoint, for the SMN notification sink', shownDefault: '`https://smn.{region}.otc.t-systems.com`',
  },
  DRS_JOB_IDS: {
    table: 'configuration',
    doc: 'job IDs, separated by commas, spaces or newlines; about 100 fit in a function (see [Where the jobs come from](#where-the-jobs-come-from))',
    shownDefault: 'empty',
  },
  DRS_DISCOVER: {
    table: 'configuration', doc: '`true`: also find failed tasks by listing `migration`, `sync` and `cloudDataGuard` tasks of every engine type',
  },
  DRS_RETRY_STATUSES: { table: 'configuration', doc: 'comma list of statuses to retry; `CREATE_FAILED` and `RELEASE_RESOURCE_FAILED` are refused' },
  DRS_BATCH_SIZE: { table: 'configuration', doc: 'job IDs per batch-retry request' },
  DRS_CONCURRENCY: { table: 'configuration', doc: 'DRS requests in flight at once, status reads and retries together' },
  DRS_DRY_RUN: { table: 'configuration', doc: '`true`: decide and report, send no retry' },
  DRS_TIMEOUT_MS: { table: 'configuration', doc: 'per-request timeout, in ms' },
  DRS_DEADLINE_MS: {
    table: 'configuration',
    doc: 'time budget of the whole run, in ms: no request starts after it, none waits past it; unsettled jobs end `deferred`. '
      + 'In a function it can only shorten the budget, never lengthen it',
    shownDefault: 'functions: the remaining time less 10 s; CLI: none',
  },
  DRS_RE_EDIT: {
    table: 'configuration', doc: '`true`: send `is_sync_re_edit: true` with every retried job',
    shownDefault: '`false` (sent only for `CHILD_TRANSFER_FAILED`, when that status is retryable)',
  },
  DRS_CAUSE_RULES: {
    table: 'configuration', shownDefault: 'the default rules',
    doc: 'changes to the failure-cause rules: a JSON array, or on the CLI `@path` to a file holding it '
      + '(see [Why did it fail?](#why-did-it-fail)); a mistake is a configuration error (exit 2) naming the entry and field',
  },
  DRS_ALLOW_INSECURE_HTTP: {
    table: 'configuration',
    doc: '`true`: allow plain `http://` endpoints that are not loopback (credentials would travel unencrypted; never in production)',
  },
  LOG_LEVEL: {
    table: 'configuration',
    doc: `${LOG_LEVELS.map((level) => `\`${level}\``).join(', ')}: the least level logged (the report is logged whatever the level); `
      + 'anything else is a configuration error (exit 2, `ConfigError`)',
    shownDefault: '`info`; the CLI on a terminal: `warn`',
  },
  NODE_EXTRA_CA_CERTS: {
    table: 'configuration',
    doc: "node's own variable: a PEM file of extra CAs to trust, for endpoints behind a private CA. Certificates are always verified; "
      + 'an untrusted one fails the run at once (exit 3, not retried) with the certificate problem named',
  },

  // README "Network and proxies"
  HTTPS_PROXY: {
    table: 'network',
    doc: 'proxy for `https://` endpoints (IAM, DRS, SMN, webhooks), e.g. `http://proxy.corp.example:3128`; credentials, '
      + 'if the proxy wants them, go in the URL: `http://user:password@host:port`',
  },
  HTTP_PROXY: {
    table: 'network', doc: 'proxy for plain `http://` endpoints (test endpoints only)',
    notDeployed: { serverless: NO_PLAIN_HTTP, terraform: NO_PLAIN_HTTP },
  },
  ALL_PROXY: {
    table: 'network', doc: 'proxy for both, where the one above is unset',
    notDeployed: { serverless: 'HTTPS_PROXY covers every endpoint a function talks to', terraform: 'HTTPS_PROXY covers every endpoint a function talks to' },
  },
  NO_PROXY: { table: 'network', doc: 'comma list of hosts that go direct: `example.com`, `.example.com` (subdomains), `host:port`, or `*` for all' },

  // README "Retry budget, escalation, run lease and verification"
  DRS_LEDGER_TABLE: {
    table: 'ledger',
    doc: 'DynamoDB table for budgets, the lease and what the sinks were told (partition key `pk`, TTL on `expiresAt`, on-demand). `serverless.yml` creates '
      + '`drs-auto-retry-ledger-<stage>` and grants item access to it only',
    shownDefault: 'unset: an in-memory ledger, i.e. stateless between runs',
  },
  DRS_LEDGER_ENDPOINT: { table: 'ledger', doc: 'a local DynamoDB (development, tests)', shownDefault: 'AWS' },
  DRS_LEDGER_URL: {
    table: 'ledger',
    doc: 'a PostgreSQL database for budgets, the lease and what the sinks were told: `postgres://user:password@host:5432/database` (PostgreSQL 13+, e.g. OTC RDS '
      + 'for PostgreSQL); see [Retry ledger on PostgreSQL](#retry-ledger-on-postgresql). Setting it together with `DRS_LEDGER_TABLE` '
      + 'is a configuration error (exit 2)',
  },
  DRS_MAX_ATTEMPTS: { table: 'ledger', doc: 'retries per job and episode' },
  DRS_BACKOFF_BASE_MS: {
    table: 'ledger', doc: 'minimum interval after the first attempt, in ms; ×2 after each further attempt, capped at 4 h',
    shownDefault: '`900000` (15 min)',
  },
  DRS_VERIFY_AFTER_MS: {
    table: 'ledger', doc: 're-read the retried jobs once, this long after the retries, in ms; must fit in `DRS_DEADLINE_MS`', shownDefault: 'off',
  },

  // README "Notifications"
  NOTIFY_WEBHOOK_URL: { table: 'notify', doc: 'generic webhook: HTTP POST of the report JSON' },
  NOTIFY_WEBHOOK_SECRET: { table: 'notify', doc: 'signs the webhook per [Standard Webhooks](https://www.standardwebhooks.com/) (see below)' },
  NOTIFY_SLACK_WEBHOOK_URL: { table: 'notify', doc: 'Slack incoming webhook: a Block Kit message with a top-level `text`' },
  NOTIFY_TEAMS_WEBHOOK_URL: {
    table: 'notify', doc: 'Microsoft Teams "Workflows" webhook ("When a Teams webhook request is received"): one Adaptive Card (1.4)',
  },
  NOTIFY_SMN_TOPIC_URN: {
    table: 'notify',
    doc: 'Open Telekom Cloud SMN topic (`urn:smn:{region}:{project_id}:{topic}`), published with the same credentials as DRS, at `SMN_ENDPOINT`',
  },
  NOTIFY_ON: {
    table: 'notify',
    doc: 'which reports the sinks get: `changes`, like `problems`, but a problem already sent is not sent again while it stays the same '
      + '(the same job, outcome and cause), a new or changed problem or a run `error` is sent at once, and open problems are repeated '
      + 'at most once a day (it needs the ledger\'s memory; without a ledger it acts as `problems`); `problems`, those with an outcome '
      + 'other than `retried`, `skipped`, `would_retry`, or with `error`; `always`; `never`',
  },
} as const satisfies Record<SettingName, SettingDoc>;
