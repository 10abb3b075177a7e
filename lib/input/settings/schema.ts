/**
 * Every setting of drs-auto-retry, declared once: the environment variables of README
 * "Configuration" (on FunctionGraph: user data, then the environment). From this one object come
 * the parser (zod, lib/input/settings/read.ts), its messages and "did you mean", the masking of
 * secrets, and README's settings tables (`npm run docs:settings`); test/settingsDrift.test.ts
 * fails when README, serverless.yml or deploy/functiongraph/*.tf disagree with it.
 *
 * Adding a variable is one entry here:
 *   1. Declare it below, in README order: its type (a kind from ./setting.ts, e.g. `flag()`,
 *      `integer(LIMITS.x)`, `oneOf([...], default)`, `url('origin')`, or a new zod type from the
 *      text), a one-line `doc`, its README `table`, the `faces` that read it, `secret: true` if it
 *      is one, and a `default` (or a `shownDefault` for a computed one).
 *   2. Run `npm run docs:settings` to rewrite README's table.
 *   3. Offer it where a face that reads it is deployed: `serverless.yml` (the function's
 *      environment and a param) and Terraform (plain ones already go through `settings`; a secret
 *      is named in `secret_settings`), or say why not in `notDeployed`.
 *   4. Use the parsed value in lib/input/config.ts (RunConfig).
 *   For example DRS_CAUSE_RULES (JSON, inline or `@path` to a file on the CLI) would be one entry
 *   with a zod type that reads the file or the JSON and parses the rules, and NOTIFY_ON gaining
 *   `changes` as its default is a change of its `oneOf([...], 'changes')`.
 */
import { DEFAULT_RETRY_STATUSES, RETRYABLE_STATUSES } from '../../core/taskStatuses.js';
import { LOG_LEVELS } from '../../log.js';
import { LIMITS, projectId, region } from '../values.js';
import {
  credential, FACES, flag, integer, jobIdList, oneOf, postgresUrl, shaped, statusList, text, url, webhookSecret,
  type Setting,
} from './setting.js';

const ALL = FACES;
const CLI_AND_LAMBDA = ['cli', 'lambda'] as const;
const NO_PLAIN_HTTP = 'plain-http endpoints are test endpoints; a function talks https';

export const SETTINGS = {
  // README "Configuration"
  OS_REGION_NAME: { type: region, default: 'eu-de', doc: 'region, e.g. `eu-de`, `eu-nl`', table: 'configuration', faces: ALL },
  OS_PROJECT_ID: {
    type: projectId, doc: 'project whose DRS tasks are handled', table: 'configuration', faces: ALL,
    shownDefault: "required, unless password auth with `OS_PROJECT_NAME`; on FunctionGraph the function's own project",
  },
  OS_PROJECT_NAME: {
    ...shaped(/^[\w.-]{1,128}$/, 'a project name', 'use the name from the console, e.g. eu-de'), table: 'configuration', faces: ALL,
    doc: 'project name (e.g. `eu-de`) to scope the IAM token by name; the id is then read from IAM',
  },
  OS_USERNAME: {
    ...text(), table: 'configuration', faces: ALL,
    doc: 'IAM user for password authentication; the token is cached until 5 minutes before `expires_at` and refreshed once if DRS refuses it',
  },
  OS_PASSWORD: { ...text(), untrimmed: true, secret: true, doc: "the IAM user's password", table: 'configuration', faces: ALL },
  OS_USER_DOMAIN_NAME: {
    ...text(), doc: "the IAM user's account (domain) name, e.g. `OTC-EU-DE-00000000001000000001`", table: 'configuration', faces: ALL,
    aliases: { names: ['OS_DOMAIN_NAME'], rule: 'must agree' },
  },
  OS_ACCESS_KEY: { ...credential(), doc: 'access key for AK/SK request signing (SDK-HMAC-SHA256) instead of a token', table: 'configuration', faces: ALL },
  OS_SECRET_KEY: { ...credential(), secret: true, doc: 'the secret key of `OS_ACCESS_KEY`', table: 'configuration', faces: ALL },
  OS_SECURITY_TOKEN: { ...credential(), secret: true, doc: 'the security token of a temporary AK/SK (optional)', table: 'configuration', faces: ALL },
  OS_AUTH_TOKEN: { ...credential(), secret: true, doc: 'a ready IAM token, used as is and never refreshed', table: 'configuration', faces: ALL },
  OS_AUTH_URL: { ...url('base'), doc: 'IAM v3 endpoint', shownDefault: '`https://iam.{region}.otc.t-systems.com/v3`', table: 'configuration', faces: ALL },
  DRS_ENDPOINT: {
    ...url('origin'), doc: 'DRS endpoint (scheme + host[:port], no path)', shownDefault: '`https://drs.{region}.otc.t-systems.com`',
    table: 'configuration', faces: ALL,
  },
  SMN_ENDPOINT: {
    ...url('origin'), doc: 'SMN endpoint, for the SMN notification sink', shownDefault: '`https://smn.{region}.otc.t-systems.com`',
    table: 'configuration', faces: ALL,
  },
  DRS_JOB_IDS: {
    ...jobIdList(), shownDefault: 'empty', table: 'configuration', faces: ALL,
    doc: 'job IDs, separated by commas, spaces or newlines; about 100 fit in a function (see [Where the jobs come from](#where-the-jobs-come-from))',
  },
  DRS_DISCOVER: {
    ...flag(), table: 'configuration', faces: ALL,
    doc: '`true`: also find failed tasks by listing `migration`, `sync` and `cloudDataGuard` tasks of every engine type',
  },
  DRS_RETRY_STATUSES: {
    ...statusList(DEFAULT_RETRY_STATUSES), table: 'configuration', faces: ALL,
    range: `allowed: ${RETRYABLE_STATUSES.map((status) => `\`${status}\``).join(', ')}`,
    doc: 'comma list of statuses to retry; `CREATE_FAILED` and `RELEASE_RESOURCE_FAILED` are refused',
  },
  DRS_BATCH_SIZE: { ...integer(LIMITS.batchSize), doc: 'job IDs per batch-retry request', table: 'configuration', faces: ALL },
  DRS_CONCURRENCY: {
    ...integer(LIMITS.concurrency), doc: 'DRS requests in flight at once, status reads and retries together', table: 'configuration', faces: ALL,
  },
  DRS_DRY_RUN: { ...flag(), doc: '`true`: decide and report, send no retry', table: 'configuration', faces: ALL },
  DRS_TIMEOUT_MS: { ...integer(LIMITS.timeoutMs), doc: 'per-request timeout, in ms', table: 'configuration', faces: ALL },
  DRS_DEADLINE_MS: {
    ...integer(LIMITS.deadlineMs), table: 'configuration', faces: ALL,
    doc: 'time budget of the whole run, in ms: no request starts after it, none waits past it; unsettled jobs end `deferred`. '
      + 'In a function it can only shorten the budget, never lengthen it',
    shownDefault: 'functions: the remaining time less 10 s; CLI: none',
  },
  DRS_RE_EDIT: {
    ...flag(), doc: '`true`: send `is_sync_re_edit: true` with every retried job', table: 'configuration', faces: ALL,
    shownDefault: '`false` (sent only for `CHILD_TRANSFER_FAILED`, when that status is retryable)',
  },
  DRS_CAUSE_RULES: {
    ...text(), table: 'configuration', faces: ALL, shownDefault: 'the default rules',
    doc: 'changes to the failure-cause rules: a JSON array, or on the CLI `@path` to a file holding it '
      + '(see [Why did it fail?](#why-did-it-fail)); a mistake is a configuration error (exit 2) naming the entry and field',
  },
  DRS_ALLOW_INSECURE_HTTP: {
    ...flag(), table: 'configuration', faces: ALL,
    doc: '`true`: allow plain `http://` endpoints that are not loopback (credentials would travel unencrypted; never in production)',
  },
  LOG_LEVEL: {
    ...oneOf(LOG_LEVELS), table: 'configuration', faces: ALL, shownDefault: '`info`; the CLI on a terminal: `warn`',
    doc: `${LOG_LEVELS.map((level) => `\`${level}\``).join(', ')}: the least level logged (the report is logged whatever the level); `
      + 'anything else is a configuration error (exit 2, `ConfigError`)',
  },
  NODE_EXTRA_CA_CERTS: {
    doc: "node's own variable: a PEM file of extra CAs to trust, for endpoints behind a private CA. Certificates are always verified; "
      + 'an untrusted one fails the run at once (exit 3, not retried) with the certificate problem named',
    table: 'configuration', faces: ['cli'],
  },

  // README "Network and proxies"
  HTTPS_PROXY: {
    ...text(), secret: true, aliases: { names: ['https_proxy'], rule: 'alias wins' }, table: 'network', faces: ALL,
    doc: 'proxy for `https://` endpoints (IAM, DRS, SMN, webhooks), e.g. `http://proxy.corp.example:3128`; credentials, '
      + 'if the proxy wants them, go in the URL: `http://user:password@host:port`',
  },
  HTTP_PROXY: {
    ...text(), secret: true, aliases: { names: ['http_proxy'], rule: 'alias wins' }, table: 'network', faces: ALL,
    doc: 'proxy for plain `http://` endpoints (test endpoints only)', notDeployed: { serverless: NO_PLAIN_HTTP, terraform: NO_PLAIN_HTTP },
  },
  ALL_PROXY: {
    ...text(), secret: true, aliases: { names: ['all_proxy'], rule: 'alias wins' }, table: 'network', faces: ALL,
    doc: 'proxy for both, where the one above is unset',
    notDeployed: { serverless: 'HTTPS_PROXY covers every endpoint a function talks to', terraform: 'HTTPS_PROXY covers every endpoint a function talks to' },
  },
  NO_PROXY: {
    ...text(), aliases: { names: ['no_proxy'], rule: 'alias wins' }, table: 'network', faces: ALL,
    doc: 'comma list of hosts that go direct: `example.com`, `.example.com` (subdomains), `host:port`, or `*` for all',
  },

  // README "Retry budget, escalation, run lease and verification"
  DRS_LEDGER_TABLE: {
    ...shaped(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name', 'use 3 to 255 letters, digits, "_", "-" or "."'),
    table: 'ledger', faces: CLI_AND_LAMBDA, shownDefault: 'unset: an in-memory ledger, i.e. stateless between runs',
    doc: 'DynamoDB table for budgets, the lease and what the sinks were told (partition key `pk`, TTL on `expiresAt`, on-demand). `serverless.yml` creates '
      + '`drs-auto-retry-ledger-<stage>` and grants item access to it only',
  },
  DRS_LEDGER_ENDPOINT: { ...url('origin'), doc: 'a local DynamoDB (development, tests)', shownDefault: 'AWS', table: 'ledger', faces: CLI_AND_LAMBDA },
  DRS_LEDGER_URL: {
    ...postgresUrl(), secret: true, table: 'ledger', faces: ALL,
    doc: 'a PostgreSQL database for budgets, the lease and what the sinks were told: `postgres://user:password@host:5432/database` (PostgreSQL 13+, e.g. OTC RDS '
      + 'for PostgreSQL); see [Retry ledger on PostgreSQL](#retry-ledger-on-postgresql). Setting it together with `DRS_LEDGER_TABLE` '
      + 'is a configuration error (exit 2)',
  },
  DRS_MAX_ATTEMPTS: { ...integer(LIMITS.maxAttempts), doc: 'retries per job and episode', table: 'ledger', faces: ALL },
  DRS_BACKOFF_BASE_MS: {
    ...integer(LIMITS.backoffBaseMs), table: 'ledger', faces: ALL, shownDefault: '`900000` (15 min)',
    doc: 'minimum interval after the first attempt, in ms; ×2 after each further attempt, capped at 4 h',
  },
  DRS_VERIFY_AFTER_MS: {
    ...integer(LIMITS.verifyAfterMs), table: 'ledger', faces: ALL, shownDefault: 'off',
    doc: 're-read the retried jobs once, this long after the retries, in ms; must fit in `DRS_DEADLINE_MS`',
  },

  // README "Notifications"
  NOTIFY_WEBHOOK_URL: { ...url('webhook'), secret: true, doc: 'generic webhook: HTTP POST of the report JSON', table: 'notify', faces: ALL },
  NOTIFY_WEBHOOK_SECRET: {
    ...webhookSecret(), secret: true, table: 'notify', faces: ALL,
    doc: 'signs the webhook per [Standard Webhooks](https://www.standardwebhooks.com/) (see below)',
  },
  NOTIFY_SLACK_WEBHOOK_URL: {
    ...url('webhook'), secret: true, doc: 'Slack incoming webhook: a Block Kit message with a top-level `text`', table: 'notify', faces: ALL,
  },
  NOTIFY_TEAMS_WEBHOOK_URL: {
    ...url('webhook'), secret: true, table: 'notify', faces: ALL,
    doc: 'Microsoft Teams "Workflows" webhook ("When a Teams webhook request is received"): one Adaptive Card (1.4)',
  },
  NOTIFY_SMN_TOPIC_URN: {
    ...shaped(/^urn:smn:[a-z]{2,}-[a-z0-9-]+:[A-Za-z0-9-]{1,64}:[A-Za-z0-9][\w-]{0,255}$/, 'a topic URN', 'use urn:smn:{region}:{project_id}:{topic}'),
    table: 'notify', faces: ALL,
    doc: 'Open Telekom Cloud SMN topic (`urn:smn:{region}:{project_id}:{topic}`), published with the same credentials as DRS, at `SMN_ENDPOINT`',
  },
  NOTIFY_ON: {
    ...oneOf(['changes', 'always', 'problems', 'never'], 'changes'), table: 'notify', faces: ALL,
    doc: 'which reports the sinks get: `changes`, like `problems`, but a problem already sent is not sent again while it stays the same '
      + '(the same job, outcome and cause), a new or changed problem or a run `error` is sent at once, and open problems are repeated '
      + 'at most once a day (it needs the ledger\'s memory; without a ledger it acts as `problems`); `problems`, those with an outcome '
      + 'other than `retried`, `skipped`, `would_retry`, or with `error`; `always`; `never`',
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
