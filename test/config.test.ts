import { describe, expect, it } from 'vitest';
import { type CliOverrides, loadConfig } from '../lib/input/config.js';
import { LIMITS } from '../lib/input/values.js';
import { DEFAULT_RULES } from '../lib/core/causeRuleSet.js';
import { DEFAULT_RETRY_STATUSES, FAILED_STATUSES, NEVER_RETRY_STATUSES, RETRYABLE_STATUSES } from '../lib/core/taskStatuses.js';
import { catchConfigError } from './support/catchConfigError.js';
import type { EventPayload, RunRequest } from '../lib/input/events.js';

type Env = Record<string, string | undefined>;

const TOKEN_ENV: Env = { OS_AUTH_TOKEN: 'tok-123', OS_PROJECT_ID: 'p0123456789abcdef' };

function manual(payload: EventPayload = {}): RunRequest {
  return { trigger: 'manual', payload };
}


describe('loadConfig defaults', () => {
  it('fills every default from a minimal token environment', () => {
    // Prepare
    const env = { ...TOKEN_ENV };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config).toEqual({
      trigger: 'manual',
      region: 'eu-de',
      projectId: 'p0123456789abcdef',
      auth: { kind: 'token', token: 'tok-123' },
      authUrl: 'https://iam.eu-de.otc.t-systems.com/v3',
      drsEndpoint: 'https://drs.eu-de.otc.t-systems.com',
      smnEndpoint: 'https://smn.eu-de.otc.t-systems.com',
      jobIds: [],
      discover: false,
      retryStatuses: ['FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED'],
      batchSize: 10,
      concurrency: 2,
      dryRun: false,
      timeoutMs: 10_000,
      reEdit: false,
      notify: { on: 'changes' },
      ledger: { maxAttempts: 3, backoffBaseMs: 900_000 },
      ignoredAuth: [],
      proxies: {},
      causeRules: DEFAULT_RULES,
    });
    expect(config.causeRules).toBe(DEFAULT_RULES);
    expect('deadlineMs' in config).toBe(false);
  });

  it('keeps the status lists consistent with each other', () => {
    // Prepare
    const failed: readonly string[] = FAILED_STATUSES;

    // Act
    const retryableAndNever = [...RETRYABLE_STATUSES, ...NEVER_RETRY_STATUSES];

    // Assess
    expect([...retryableAndNever].sort()).toEqual([...failed].sort());
    expect(DEFAULT_RETRY_STATUSES.every((status) => (RETRYABLE_STATUSES as readonly string[]).includes(status))).toBe(true);
    expect(LIMITS.batchSize).toEqual({ min: 1, max: 100, default: 10 });
    expect(LIMITS.concurrency).toEqual({ min: 1, max: 20, default: 2 });
  });

  it('treats empty-string variables as unset', () => {
    // Prepare
    const env = { ...TOKEN_ENV, OS_REGION_NAME: '', DRS_BATCH_SIZE: '', DRS_DRY_RUN: '', OS_ACCESS_KEY: '', DRS_ENDPOINT: '' };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config.region).toBe('eu-de');
    expect(config.batchSize).toBe(10);
    expect(config.dryRun).toBe(false);
    expect(config.auth.kind).toBe('token');
    expect(config.drsEndpoint).toBe('https://drs.eu-de.otc.t-systems.com');
  });
});

describe('loadConfig precedence: CLI > payload > env > default', () => {
  const env = { ...TOKEN_ENV, DRS_BATCH_SIZE: '20', DRS_CONCURRENCY: '3', DRS_DRY_RUN: 'false', DRS_DISCOVER: 'no', DRS_DEADLINE_MS: '5000' };

  it.each<[string, EventPayload, CliOverrides, Partial<Record<string, unknown>>]>([
    ['env over default', {}, {}, { batchSize: 20, concurrency: 3, dryRun: false, discover: false, deadlineMs: 5000 }],
    ['payload over env', { batchSize: 30, concurrency: 4, dryRun: true, discover: true }, {}, { batchSize: 30, concurrency: 4, dryRun: true, discover: true }],
    ['CLI over payload', { batchSize: 30, concurrency: 4, dryRun: true, discover: true }, { batchSize: 40, concurrency: 5, dryRun: false, discover: false, deadlineMs: 9000 }, { batchSize: 40, concurrency: 5, dryRun: false, discover: false, deadlineMs: 9000 }],
  ])('%s', (_name, payload, cli, expected) => {
    // Act
    const config = loadConfig(env, manual(payload), cli);

    // Assess
    expect(config).toMatchObject(expected);
  });

  it('unions job IDs: DRS_JOB_IDS first, then the payload, then the CLI, without duplicates', () => {
    // Prepare
    const envWithIds = { ...TOKEN_ENV, DRS_JOB_IDS: ' job-a, job-b\njob-c  job-a,,\n' };

    // Act
    const config = loadConfig(envWithIds, manual({ jobIds: ['job-c', 'job-d'] }), { jobIds: ['job-e', 'job-a'] });

    // Assess
    expect(config.jobIds).toEqual(['job-a', 'job-b', 'job-c', 'job-d', 'job-e']);
  });

  it('takes retry statuses from the payload over DRS_RETRY_STATUSES, upper-cased and de-duplicated', () => {
    // Prepare
    const envStatuses = { ...TOKEN_ENV, DRS_RETRY_STATUSES: 'full_transfer_failed, CHILD_TRANSFER_FAILED,FULL_TRANSFER_FAILED' };

    // Act
    const fromEnv = loadConfig(envStatuses, manual());
    const fromPayload = loadConfig(envStatuses, manual({ retryStatuses: ['START_JOB_FAILED'] }));

    // Assess
    expect(fromEnv.retryStatuses).toEqual(['FULL_TRANSFER_FAILED', 'CHILD_TRANSFER_FAILED']);
    expect(fromPayload.retryStatuses).toEqual(['START_JOB_FAILED']);
  });

  it('lets a payload region and project override the env and move the default endpoints', () => {
    // Prepare
    const envRegion = { ...TOKEN_ENV, OS_REGION_NAME: 'eu-de' };

    // Act
    const config = loadConfig(envRegion, manual({ region: 'eu-nl', projectId: 'other-project' }));

    // Assess
    expect(config.region).toBe('eu-nl');
    expect(config.projectId).toBe('other-project');
    expect(config.authUrl).toBe('https://iam.eu-nl.otc.t-systems.com/v3');
    expect(config.drsEndpoint).toBe('https://drs.eu-nl.otc.t-systems.com');
    expect(config.smnEndpoint).toBe('https://smn.eu-nl.otc.t-systems.com');
  });

  it('keeps explicitly set endpoints when the region changes', () => {
    // Prepare
    const envEndpoints = { ...TOKEN_ENV, DRS_ENDPOINT: 'https://drs.example.com/', OS_AUTH_URL: 'https://iam.example.com/v3/' };

    // Act
    const config = loadConfig(envEndpoints, manual({ region: 'eu-nl' }));

    // Assess
    expect(config.drsEndpoint).toBe('https://drs.example.com');
    expect(config.authUrl).toBe('https://iam.example.com/v3');
  });

  it('passes the request trigger through', () => {
    // Act
    const config = loadConfig(TOKEN_ENV, { trigger: 'schedule', payload: {} });

    // Assess
    expect(config.trigger).toBe('schedule');
  });
});

describe('loadConfig value parsing', () => {
  it.each([
    ['true', true], ['TRUE', true], ['1', true], ['yes', true], ['Yes', true],
    ['false', false], ['False', false], ['0', false], ['no', false], ['NO', false],
  ])('reads DRS_DRY_RUN=%s as %s', (value, expected) => {
    // Act
    const config = loadConfig({ ...TOKEN_ENV, DRS_DRY_RUN: value }, manual());

    // Assess
    expect(config.dryRun).toBe(expected);
  });

  it('reads whole numbers at both ends of their range', () => {
    // Prepare
    const env = { ...TOKEN_ENV, DRS_BATCH_SIZE: '100', DRS_CONCURRENCY: '1', DRS_TIMEOUT_MS: '300000', DRS_DEADLINE_MS: '1000' };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config).toMatchObject({ batchSize: 100, concurrency: 1, timeoutMs: 300_000, deadlineMs: 1000 });
  });

  it('reads DRS_RE_EDIT and NOTIFY_* settings', () => {
    // Prepare
    const env = {
      ...TOKEN_ENV,
      DRS_RE_EDIT: 'true',
      NOTIFY_ON: 'Always',
      NOTIFY_WEBHOOK_URL: 'https://hooks.example.com/drs?x=1',
      NOTIFY_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      NOTIFY_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX',
      NOTIFY_TEAMS_WEBHOOK_URL: 'https://prod.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=a%2Bb',
      NOTIFY_SMN_TOPIC_URN: 'urn:smn:eu-de:p0123456789abcdef:drs-alerts',
      SMN_ENDPOINT: 'http://127.0.0.1:9100',
    };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config.reEdit).toBe(true);
    expect(config.smnEndpoint).toBe('http://127.0.0.1:9100');
    expect(config.notify).toEqual({
      on: 'always',
      webhookUrl: env.NOTIFY_WEBHOOK_URL,
      webhookSecret: env.NOTIFY_WEBHOOK_SECRET,
      slackWebhookUrl: env.NOTIFY_SLACK_WEBHOOK_URL,
      teamsWebhookUrl: env.NOTIFY_TEAMS_WEBHOOK_URL,
      smnTopicUrn: env.NOTIFY_SMN_TOPIC_URN,
    });
  });

  it.each(['http://127.0.0.1:8080', 'http://127.1.2.3', 'http://localhost:9000/', 'http://[::1]:9000'])(
    'allows plain http to the loopback endpoint %s',
    (url) => {
      // Act
      const config = loadConfig({ ...TOKEN_ENV, DRS_ENDPOINT: url }, manual());

      // Assess
      expect(config.drsEndpoint).toBe(url.replace(/\/$/, ''));
    },
  );

  it('allows plain http to any host only with DRS_ALLOW_INSECURE_HTTP=true', () => {
    // Prepare
    const env = { ...TOKEN_ENV, DRS_ENDPOINT: 'http://drs.lab.internal:8080', DRS_ALLOW_INSECURE_HTTP: 'true' };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config.drsEndpoint).toBe('http://drs.lab.internal:8080');
  });
});

describe('loadConfig authentication', () => {
  it('prefers OS_AUTH_TOKEN over AK/SK and password', () => {
    // Prepare
    const env = { ...TOKEN_ENV, OS_ACCESS_KEY: 'AK', OS_SECRET_KEY: 'SK', OS_USERNAME: 'u', OS_PASSWORD: 'p' };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config.auth).toEqual({ kind: 'token', token: 'tok-123' });
    expect(config.ignoredAuth).toEqual(['OS_ACCESS_KEY/OS_SECRET_KEY', 'OS_USERNAME/OS_PASSWORD']);
  });

  it('prefers AK/SK over a password, which then needs no domain name', () => {
    // Prepare
    const env = { ...AKSK_ENV, OS_USERNAME: 'u', OS_PASSWORD: SECRETS.OS_PASSWORD };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config.auth).toMatchObject({ kind: 'aksk', accessKey: 'AKID' });
    expect(config.ignoredAuth).toEqual(['OS_USERNAME/OS_PASSWORD']);
  });

  it('names no ignored method when only one is set', () => {
    expect(loadConfig(AKSK_ENV, manual()).ignoredAuth).toEqual([]);
  });

  it('builds AK/SK settings, with the optional security token', () => {
    // Prepare
    const env = { OS_PROJECT_ID: 'p1', OS_ACCESS_KEY: 'QTWAOYTTINDUT2QVKYUC', OS_SECRET_KEY: 'MFyfvK41ba2g', OS_SECURITY_TOKEN: 'st-1' };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config.auth).toEqual({ kind: 'aksk', accessKey: 'QTWAOYTTINDUT2QVKYUC', secretKey: 'MFyfvK41ba2g', securityToken: 'st-1' });
  });

  it('builds password settings from OS_DOMAIN_NAME and scopes by OS_PROJECT_NAME without a project ID', () => {
    // Prepare
    const env = { OS_USERNAME: 'ops', OS_PASSWORD: ' pass word ', OS_DOMAIN_NAME: 'OTC-EU-DE-000', OS_PROJECT_NAME: 'eu-de_drs' };

    // Act
    const config = loadConfig(env, manual());

    // Assess
    expect(config.auth).toEqual({ kind: 'password', username: 'ops', password: ' pass word ', domainName: 'OTC-EU-DE-000' });
    expect(config.projectName).toBe('eu-de_drs');
    expect(config.projectId).toBeUndefined();
  });

  it('accepts a payload projectId where OS_PROJECT_ID is missing', () => {
    // Act
    const config = loadConfig({ OS_AUTH_TOKEN: 'tok' }, manual({ projectId: 'from-event' }));

    // Assess
    expect(config.projectId).toBe('from-event');
  });
});

// Every secret carries the marker "hush", so a leak of any part of one is caught.
const SECRETS = {
  OS_AUTH_TOKEN: 'hush-token-MIIxyz',
  OS_SECRET_KEY: 'hush-sk-9f8e7d',
  OS_SECURITY_TOKEN: 'hush-st-abc123',
  OS_PASSWORD: 'hush-pw-hunter2',
  NOTIFY_WEBHOOK_SECRET: 'whsec_aHVzaC13aC1rZXk=',
  SLACK_PATH: 'T0/B0/hushSlackPath',
};
const PASSWORD_ENV: Env = { OS_USERNAME: 'ops', OS_PASSWORD: SECRETS.OS_PASSWORD, OS_USER_DOMAIN_NAME: 'dom', OS_PROJECT_ID: 'p1' };
const AKSK_ENV: Env = { OS_ACCESS_KEY: 'AKID', OS_SECRET_KEY: SECRETS.OS_SECRET_KEY, OS_SECURITY_TOKEN: SECRETS.OS_SECURITY_TOKEN, OS_PROJECT_ID: 'p1' };

interface BadCase {
  name: string;
  env: Env;
  payload?: EventPayload;
  cli?: CliOverrides;
  field: string;
  fix: RegExp;
}

const BAD: BadCase[] = [
  { name: 'no credentials', env: { OS_PROJECT_ID: 'p1' }, field: 'auth', fix: /set OS_AUTH_TOKEN, or OS_ACCESS_KEY and OS_SECRET_KEY, or OS_USERNAME/ },
  { name: 'a token, and AK without SK', env: { OS_AUTH_TOKEN: 'tok', OS_ACCESS_KEY: 'AKID', OS_PROJECT_ID: 'p1' }, field: 'OS_SECRET_KEY', fix: /set OS_SECRET_KEY/ },
  { name: 'AK/SK, and a password without a user', env: { ...AKSK_ENV, OS_PASSWORD: SECRETS.OS_PASSWORD }, field: 'OS_USERNAME', fix: /set OS_USERNAME/ },
  { name: 'AK without SK', env: { OS_ACCESS_KEY: 'AKID', OS_PROJECT_ID: 'p1' }, field: 'OS_SECRET_KEY', fix: /set OS_SECRET_KEY/ },
  { name: 'SK without AK', env: { OS_SECRET_KEY: SECRETS.OS_SECRET_KEY, OS_PROJECT_ID: 'p1' }, field: 'OS_ACCESS_KEY', fix: /set OS_ACCESS_KEY/ },
  { name: 'security token alone', env: { OS_SECURITY_TOKEN: SECRETS.OS_SECURITY_TOKEN, OS_PROJECT_ID: 'p1' }, field: 'OS_ACCESS_KEY', fix: /set OS_ACCESS_KEY and OS_SECRET_KEY/ },
  { name: 'password without user', env: { ...PASSWORD_ENV, OS_USERNAME: undefined }, field: 'OS_USERNAME', fix: /set OS_USERNAME/ },
  { name: 'user without domain', env: { ...PASSWORD_ENV, OS_USER_DOMAIN_NAME: undefined }, field: 'OS_USER_DOMAIN_NAME', fix: /set OS_USER_DOMAIN_NAME/ },
  { name: 'conflicting domain alias', env: { ...PASSWORD_ENV, OS_DOMAIN_NAME: 'other' }, field: 'OS_DOMAIN_NAME', fix: /set only one of them/ },
  { name: 'token with a line break', env: { ...TOKEN_ENV, OS_AUTH_TOKEN: `${SECRETS.OS_AUTH_TOKEN}\nX-Injected: 1` }, field: 'OS_AUTH_TOKEN', fix: /set it exactly as issued/ },
  { name: 'secret key with a space', env: { ...AKSK_ENV, OS_SECRET_KEY: `${SECRETS.OS_SECRET_KEY} x` }, field: 'OS_SECRET_KEY', fix: /set it exactly as issued/ },
  { name: 'security token with a line break', env: { ...AKSK_ENV, OS_SECURITY_TOKEN: `${SECRETS.OS_SECURITY_TOKEN}\r\nx` }, field: 'OS_SECURITY_TOKEN', fix: /set it exactly as issued/ },
  { name: 'no project with a token', env: { OS_AUTH_TOKEN: SECRETS.OS_AUTH_TOKEN, OS_PROJECT_NAME: 'eu-de' }, field: 'OS_PROJECT_ID', fix: /set OS_PROJECT_ID: it is required with AK\/SK signing and with OS_AUTH_TOKEN/ },
  { name: 'no project with AK/SK', env: { ...AKSK_ENV, OS_PROJECT_ID: undefined }, field: 'OS_PROJECT_ID', fix: /set OS_PROJECT_ID/ },
  { name: 'no project with a password', env: { ...PASSWORD_ENV, OS_PROJECT_ID: undefined }, field: 'OS_PROJECT_ID', fix: /set OS_PROJECT_ID or OS_PROJECT_NAME/ },
  { name: 'project ID with a slash', env: { ...TOKEN_ENV, OS_PROJECT_ID: 'p1/../x' }, field: 'OS_PROJECT_ID', fix: /use the ID from the console/ },
  { name: 'bad region', env: { ...TOKEN_ENV, OS_REGION_NAME: 'EU_DE' }, field: 'OS_REGION_NAME', fix: /such as eu-de or eu-nl/ },
  { name: 'bad payload region', env: TOKEN_ENV, payload: { region: 'eu-de/../x' }, field: 'event.region', fix: /such as eu-de/ },
  { name: 'batch size 1.5', env: { ...TOKEN_ENV, DRS_BATCH_SIZE: '1.5' }, field: 'DRS_BATCH_SIZE', fix: /whole number from 1 to 100/ },
  { name: 'batch size -1', env: { ...TOKEN_ENV, DRS_BATCH_SIZE: '-1' }, field: 'DRS_BATCH_SIZE', fix: /whole number from 1 to 100/ },
  { name: 'batch size 0', env: { ...TOKEN_ENV, DRS_BATCH_SIZE: '0' }, field: 'DRS_BATCH_SIZE', fix: /whole number from 1 to 100/ },
  { name: 'batch size 101', env: { ...TOKEN_ENV, DRS_BATCH_SIZE: '101' }, field: 'DRS_BATCH_SIZE', fix: /whole number from 1 to 100/ },
  { name: 'concurrency 1e9', env: { ...TOKEN_ENV, DRS_CONCURRENCY: '1e9' }, field: 'DRS_CONCURRENCY', fix: /whole number from 1 to 20/ },
  { name: 'concurrency abc', env: { ...TOKEN_ENV, DRS_CONCURRENCY: 'abc' }, field: 'DRS_CONCURRENCY', fix: /whole number from 1 to 20/ },
  { name: 'timeout 99', env: { ...TOKEN_ENV, DRS_TIMEOUT_MS: '99' }, field: 'DRS_TIMEOUT_MS', fix: /whole number from 100 to 300000/ },
  { name: 'deadline too long', env: { ...TOKEN_ENV, DRS_DEADLINE_MS: '86400001' }, field: 'DRS_DEADLINE_MS', fix: /whole number from 1000 to 86400000/ },
  { name: 'CLI batch size 0', env: TOKEN_ENV, cli: { batchSize: 0 }, field: '--batch-size', fix: /whole number from 1 to 100/ },
  { name: 'CLI deadline 10', env: TOKEN_ENV, cli: { deadlineMs: 10 }, field: '--deadline-ms', fix: /whole number from 1000/ },
  { name: 'payload concurrency 21', env: TOKEN_ENV, payload: { concurrency: 21 }, field: 'event.concurrency', fix: /whole number from 1 to 20/ },
  { name: 'boolean maybe', env: { ...TOKEN_ENV, DRS_DRY_RUN: 'maybe' }, field: 'DRS_DRY_RUN', fix: /must be true or false/ },
  { name: 'boolean on', env: { ...TOKEN_ENV, DRS_DISCOVER: 'on' }, field: 'DRS_DISCOVER', fix: /must be true or false/ },
  { name: 'insecure flag typo', env: { ...TOKEN_ENV, DRS_ALLOW_INSECURE_HTTP: 'ja' }, field: 'DRS_ALLOW_INSECURE_HTTP', fix: /must be true or false/ },
  { name: 'CREATE_FAILED retry', env: { ...TOKEN_ENV, DRS_RETRY_STATUSES: 'FULL_TRANSFER_FAILED,CREATE_FAILED' }, field: 'DRS_RETRY_STATUSES', fix: /must never be retried.*remove it/ },
  { name: 'RELEASE_RESOURCE_FAILED retry', env: TOKEN_ENV, payload: { retryStatuses: ['RELEASE_RESOURCE_FAILED'] }, field: 'event.retryStatuses', fix: /must never be retried/ },
  { name: 'unknown status', env: { ...TOKEN_ENV, DRS_RETRY_STATUSES: 'RUNNING' }, field: 'DRS_RETRY_STATUSES', fix: /allowed: FULL_TRANSFER_FAILED, INCRE_TRANSFER_FAILED, CHILD_TRANSFER_FAILED/ },
  { name: 'empty status list', env: { ...TOKEN_ENV, DRS_RETRY_STATUSES: ',' }, field: 'DRS_RETRY_STATUSES', fix: /name at least one of/ },
  { name: 'bad job id in env', env: { ...TOKEN_ENV, DRS_JOB_IDS: 'ok-1,../etc/passwd' }, field: 'DRS_JOB_IDS', fix: /DRS_JOB_IDS entry 2 .*letters, digits/ },
  { name: 'bad job id on the CLI', env: TOKEN_ENV, cli: { jobIds: ['a b'] }, field: '--job', fix: /letters, digits/ },
  { name: 'bad job id in a hand-made payload', env: TOKEN_ENV, payload: { jobIds: ['"quoted"'] }, field: 'event.jobIds[0]', fix: /letters, digits/ },
  { name: 'DRS endpoint with a path', env: { ...TOKEN_ENV, DRS_ENDPOINT: 'https://drs.example.com/v3' }, field: 'DRS_ENDPOINT', fix: /scheme:\/\/host\[:port\] only, without a path/ },
  { name: 'relative DRS endpoint', env: { ...TOKEN_ENV, DRS_ENDPOINT: 'drs.example.com' }, field: 'DRS_ENDPOINT', fix: /absolute http\(s\) URL/ },
  { name: 'ftp SMN endpoint', env: { ...TOKEN_ENV, SMN_ENDPOINT: 'ftp://smn.example.com' }, field: 'SMN_ENDPOINT', fix: /use https/ },
  { name: 'plain http IAM', env: { ...PASSWORD_ENV, OS_AUTH_URL: 'http://iam.example.com/v3' }, field: 'OS_AUTH_URL', fix: /use https .*DRS_ALLOW_INSECURE_HTTP=true/ },
  { name: 'IAM URL with user:password', env: { ...TOKEN_ENV, OS_AUTH_URL: 'https://u:p@iam.example.com/v3' }, field: 'OS_AUTH_URL', fix: /must not contain user:password/ },
  { name: 'DRS endpoint with a query', env: { ...TOKEN_ENV, DRS_ENDPOINT: 'https://drs.example.com?x=1' }, field: 'DRS_ENDPOINT', fix: /remove everything from "\?"/ },
  { name: 'plain http Slack', env: { ...TOKEN_ENV, NOTIFY_SLACK_WEBHOOK_URL: `http://hooks.slack.com/services/${SECRETS.SLACK_PATH}` }, field: 'NOTIFY_SLACK_WEBHOOK_URL', fix: /use https/ },
  { name: 'Teams URL not a URL', env: { ...TOKEN_ENV, NOTIFY_TEAMS_WEBHOOK_URL: SECRETS.SLACK_PATH }, field: 'NOTIFY_TEAMS_WEBHOOK_URL', fix: /absolute http\(s\) URL/ },
  { name: 'webhook secret without URL', env: { ...TOKEN_ENV, NOTIFY_WEBHOOK_SECRET: SECRETS.NOTIFY_WEBHOOK_SECRET }, field: 'NOTIFY_WEBHOOK_SECRET', fix: /set the URL or remove the secret/ },
  { name: 'whsec_ not base64', env: { ...TOKEN_ENV, NOTIFY_WEBHOOK_URL: 'https://h.example.com', NOTIFY_WEBHOOK_SECRET: 'whsec_hush!!not-base64' }, field: 'NOTIFY_WEBHOOK_SECRET', fix: /copy it exactly as issued/ },
  { name: 'bad SMN URN', env: { ...TOKEN_ENV, NOTIFY_SMN_TOPIC_URN: 'urn:smn:eu-de:p1:../x' }, field: 'NOTIFY_SMN_TOPIC_URN', fix: /urn:smn:\{region\}:\{project_id\}:\{topic\}/ },
  { name: 'bad NOTIFY_ON', env: { ...TOKEN_ENV, NOTIFY_ON: 'sometimes' }, field: 'NOTIFY_ON', fix: /one of changes, always, problems, never/ },
];

describe('loadConfig rejects bad input', () => {
  it('has a table of at least 30 cases', () => {
    expect(BAD.length).toBeGreaterThanOrEqual(30);
  });

  it.each(BAD)('$name → ConfigError on $field', ({ env, payload, cli, field, fix }) => {
    // Act
    const error = catchConfigError(() => loadConfig(env, manual(payload), cli));

    // Assess
    expect(error.field).toBe(field);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(fix);
  });
});

describe('secrets stay out of errors and logs', () => {
  const secretValues = Object.values(SECRETS);

  it('no ConfigError message of the bad-input table carries a secret value', () => {
    // Prepare
    const messages = BAD.map(({ env, payload, cli }) => catchConfigError(() => loadConfig(env, manual(payload), cli)).message);

    // Assess
    for (const message of messages) for (const secret of secretValues) expect(message).not.toContain(secret);
    for (const message of messages) expect(message).not.toContain('hush');
  });
});
