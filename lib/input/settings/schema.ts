/**
 * Every setting of drs-auto-retry, declared once: the environment variables of README
 * "Configuration" (on FunctionGraph: user data, then the environment). From this one object come
 * the parser (zod, lib/input/settings/read.ts), its messages and "did you mean", and the masking of
 * secrets; with its README text (./docs.ts, keyed by the same names), README's settings tables
 * (`npm run docs:settings`). test/settingsDrift.test.ts fails when README, serverless.yml or
 * deploy/functiongraph/*.tf disagree with it.
 *
 * Adding a variable is one entry here and its README text in ./docs.ts (the compiler asks for it):
 *   1. Declare it below, in README order: its type (a kind from ./setting.ts, e.g. `flag()`,
 *      `integer(LIMITS.x)`, `oneOf([...], default)`, `url('origin')`, or a new zod type from the
 *      text), the `faces` that read it, `secret: true` if it is one, and a `default`.
 *   2. In ./docs.ts: its one-line `doc`, its README `table`, and a `shownDefault` for a computed
 *      default. Run `npm run docs:settings` to rewrite README's table.
 *   3. Offer it where a face that reads it is deployed: `serverless.yml` (the function's
 *      environment and a param) and Terraform (plain ones already go through `settings`; a secret
 *      is named in `secret_settings`), or say why not in its `notDeployed` (./docs.ts).
 *   4. Use the parsed value in lib/input/config.ts (RunConfig).
 *   For example DRS_CAUSE_RULES (JSON, inline or `@path` to a file on the CLI) would be one entry
 *   with a zod type that reads the file or the JSON and parses the rules, and NOTIFY_ON gaining
 *   `changes` as its default is a change of its `oneOf([...], 'changes')`.
 *
 * The README text is kept apart because the functions never read it: in the Lambda bundle it
 * would cost about 6 KB of the Lambda bundle's 224 KB cap.
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

export const SETTINGS = {
  // README "Configuration"
  OS_REGION_NAME: { type: region, default: 'eu-de', faces: ALL },
  OS_PROJECT_ID: { type: projectId, faces: ALL },
  OS_PROJECT_NAME: { ...shaped(/^[\w.-]{1,128}$/, 'a project name', 'use the name from the console, e.g. eu-de'), faces: ALL },
  OS_USERNAME: { ...text(), faces: ALL },
  OS_PASSWORD: { ...text(), untrimmed: true, secret: true, faces: ALL },
  OS_USER_DOMAIN_NAME: { ...text(), faces: ALL, aliases: { names: ['OS_DOMAIN_NAME'], rule: 'must agree' } },
  OS_ACCESS_KEY: { ...credential(), faces: ALL },
  OS_SECRET_KEY: { ...credential(), secret: true, faces: ALL },
  OS_SECURITY_TOKEN: { ...credential(), secret: true, faces: ALL },
  OS_AUTH_TOKEN: { ...credential(), secret: true, faces: ALL },
  OS_AUTH_URL: { ...url('base'), faces: ALL },
  DRS_ENDPOINT: { ...url('origin'), faces: ALL },
  SMN_ENDPOINT: { ...url('origin'), faces: ALL },
  DRS_JOB_IDS: { ...jobIdList(), faces: ALL },
  DRS_DISCOVER: { ...flag(), faces: ALL },
  DRS_RETRY_STATUSES: {
    ...statusList(DEFAULT_RETRY_STATUSES), faces: ALL, range: `allowed: ${RETRYABLE_STATUSES.map((status) => `\`${status}\``).join(', ')}`,
  },
  DRS_BATCH_SIZE: { ...integer(LIMITS.batchSize), faces: ALL },
  DRS_CONCURRENCY: { ...integer(LIMITS.concurrency), faces: ALL },
  DRS_DRY_RUN: { ...flag(), faces: ALL },
  DRS_TIMEOUT_MS: { ...integer(LIMITS.timeoutMs), faces: ALL },
  DRS_DEADLINE_MS: { ...integer(LIMITS.deadlineMs), faces: ALL },
  DRS_RE_EDIT: { ...flag(), faces: ALL },
  DRS_CAUSE_RULES: { ...text(), faces: ALL },
  DRS_ALLOW_INSECURE_HTTP: { ...flag(), faces: ALL },
  LOG_LEVEL: { ...oneOf(LOG_LEVELS), faces: ALL },
  NODE_EXTRA_CA_CERTS: { faces: ['cli'] },

  // README "Network and proxies"
  HTTPS_PROXY: { ...text(), secret: true, aliases: { names: ['https_proxy'], rule: 'alias wins' }, faces: ALL },
  HTTP_PROXY: { ...text(), secret: true, aliases: { names: ['http_proxy'], rule: 'alias wins' }, faces: ALL },
  ALL_PROXY: { ...text(), secret: true, aliases: { names: ['all_proxy'], rule: 'alias wins' }, faces: ALL },
  NO_PROXY: { ...text(), aliases: { names: ['no_proxy'], rule: 'alias wins' }, faces: ALL },

  // README "Retry budget, escalation, run lease and verification"
  DRS_LEDGER_TABLE: {
    ...shaped(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name', 'use 3 to 255 letters, digits, "_", "-" or "."'), faces: CLI_AND_LAMBDA,
  },
  DRS_LEDGER_ENDPOINT: { ...url('origin'), faces: CLI_AND_LAMBDA },
  DRS_LEDGER_URL: { ...postgresUrl(), secret: true, faces: ALL },
  DRS_MAX_ATTEMPTS: { ...integer(LIMITS.maxAttempts), faces: ALL },
  DRS_BACKOFF_BASE_MS: { ...integer(LIMITS.backoffBaseMs), faces: ALL },
  DRS_VERIFY_AFTER_MS: { ...integer(LIMITS.verifyAfterMs), faces: ALL },

  // README "Notifications"
  NOTIFY_WEBHOOK_URL: { ...url('webhook'), secret: true, faces: ALL },
  NOTIFY_WEBHOOK_SECRET: { ...webhookSecret(), secret: true, faces: ALL },
  NOTIFY_SLACK_WEBHOOK_URL: { ...url('webhook'), secret: true, faces: ALL },
  NOTIFY_TEAMS_WEBHOOK_URL: { ...url('webhook'), secret: true, faces: ALL },
  NOTIFY_SMN_TOPIC_URN: {
    ...shaped(/^urn:smn:[a-z]{2,}-[a-z0-9-]+:[A-Za-z0-9-]{1,64}:[A-Za-z0-9][\w-]{0,255}$/, 'a topic URN', 'use urn:smn:{region}:{project_id}:{topic}'),
    faces: ALL,
  },
  NOTIFY_ON: { ...oneOf(['changes', 'always', 'problems', 'never'], 'changes'), faces: ALL },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;
