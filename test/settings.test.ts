import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../lib/input/config.js';
import type { RunRequest } from '../lib/input/events.js';
import { maskSecrets, meantName, readSettings } from '../lib/input/settings/read.js';
import { SETTINGS } from '../lib/input/settings/schema.js';
import { layeredEnv } from '../lib/input/settings/source.js';
import { ConfigError } from '../lib/errors.js';
import { catchConfigError } from './support/catchConfigError.js';

type Env = Record<string, string | undefined>;

const TOKEN_ENV: Env = { OS_AUTH_TOKEN: 'tok-123', OS_PROJECT_ID: 'p0123456789abcdef' };
const MANUAL: RunRequest = { trigger: 'manual', payload: {} };

describe('the settings schema', () => {
  it('parses an empty environment into every declared default', () => {
    // Act
    const settings = readSettings({});

    // Assess: the values README's tables show as defaults
    expect(settings).toMatchObject({
      OS_REGION_NAME: 'eu-de', DRS_BATCH_SIZE: 10, DRS_CONCURRENCY: 2, DRS_TIMEOUT_MS: 10_000, DRS_DRY_RUN: false, DRS_DISCOVER: false,
      DRS_RE_EDIT: false, DRS_ALLOW_INSECURE_HTTP: false, DRS_RETRY_STATUSES: ['FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED'],
      DRS_MAX_ATTEMPTS: 3, DRS_BACKOFF_BASE_MS: 900_000, NOTIFY_ON: 'changes',
    });
    expect(Object.entries(settings).filter(([, value]) => value !== undefined).map(([name]) => name).sort())
      .toEqual(Object.entries(SETTINGS).filter(([, setting]) => 'default' in setting).map(([name]) => name).sort());
  });

  it('gives each run its own copy of a default list', () => {
    // Prepare
    const first = readSettings({});
    first.DRS_RETRY_STATUSES.push('CHANGE_JOB_FAILED');

    // Act / Assess
    expect(readSettings({}).DRS_RETRY_STATUSES).toEqual(['FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED']);
  });

  it('reads LOG_LEVEL in any case and with spaces around it, as one of pino\'s levels', () => {
    expect(readSettings({ LOG_LEVEL: ' Warn ' }).LOG_LEVEL).toBe('warn');
    expect(readSettings({}).LOG_LEVEL).toBeUndefined();
    expect(catchConfigError(() => readSettings({ LOG_LEVEL: 'verbose' })).message)
      .toBe('LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")');
  });

  it('reads a password and a webhook secret as they are, other values trimmed', () => {
    // Act
    const settings = readSettings({ OS_PASSWORD: ' pass word ', NOTIFY_WEBHOOK_SECRET: ' raw ', OS_USERNAME: ' ops ' });

    // Assess
    expect([settings.OS_PASSWORD, settings.NOTIFY_WEBHOOK_SECRET, settings.OS_USERNAME]).toEqual([' pass word ', ' raw ', 'ops']);
  });
});

describe('aliases', () => {
  it('lets the lower-case proxy variables win, as curl and axios do', () => {
    // Act
    const config = loadConfig({ ...TOKEN_ENV, HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128', NO_PROXY: 'a.example', http_proxy: 'http://127.0.0.1:1' }, MANUAL);

    // Assess
    expect(config.proxies).toEqual({ https: 'http://lower:3128', http: 'http://127.0.0.1:1', noProxy: 'a.example' });
  });

  it('takes OS_DOMAIN_NAME for OS_USER_DOMAIN_NAME, and refuses the two when they differ', () => {
    // Prepare
    const password = { OS_USERNAME: 'ops', OS_PASSWORD: 'pw', OS_PROJECT_ID: 'p1' };

    // Act
    const viaAlias = loadConfig({ ...password, OS_DOMAIN_NAME: 'dom' }, MANUAL);
    const same = loadConfig({ ...password, OS_DOMAIN_NAME: 'dom', OS_USER_DOMAIN_NAME: 'dom' }, MANUAL);
    const error = catchConfigError(() => loadConfig({ ...password, OS_DOMAIN_NAME: 'dom', OS_USER_DOMAIN_NAME: 'other' }, MANUAL));

    // Assess
    expect([viaAlias.auth, same.auth]).toEqual([expect.objectContaining({ domainName: 'dom' }), expect.objectContaining({ domainName: 'dom' })]);
    expect([error.field, error.message]).toEqual(['OS_DOMAIN_NAME', 'OS_USER_DOMAIN_NAME and OS_DOMAIN_NAME differ; set only one of them']);
  });
});

describe('did you mean', () => {
  it.each([
    ['DRS_DRYRUN', 'DRS_DRY_RUN'],
    ['drs_dry_run', 'DRS_DRY_RUN'],
    ['DRS_JOB_ID', 'DRS_JOB_IDS'],
    ['DRS_JOBIDS', 'DRS_JOB_IDS'],
    ['NOTIFY_WEBHOOK_URLS', 'NOTIFY_WEBHOOK_URL'],
    ['OS_PASWORD', 'OS_PASSWORD'],
    ['DRS_CONCURENCY', 'DRS_CONCURRENCY'],
    ['SMN_ENDPIONT', 'SMN_ENDPOINT'],
  ])('refuses %s, naming %s, so that a typo never changes what a run does', (typo, meant) => {
    // Act
    const error = catchConfigError(() => loadConfig({ ...TOKEN_ENV, [typo]: 'true' }, MANUAL));

    // Assess
    expect(error.field).toBe(typo);
    expect(error.message).toBe(`${typo} is not a setting of drs-auto-retry: did you mean ${meant}? Rename it, or remove it`);
  });

  it.each([
    'OS_PROJECT_DOMAIN_NAME', 'OS_USER_DOMAIN_ID', 'OS_DOMAIN_ID', 'OS_IDENTITY_API_VERSION', 'OS_INTERFACE', 'OS_CLOUD', 'OS_TENANT_NAME',
    'OS_AUTH_TYPE', 'OS_USER_ID', 'OS_CACERT', 'LOGLEVEL', 'NOPROXY', 'DRS_SOMETHING_ELSE', 'AWS_REGION',
  ])('leaves %s alone: it is another tool\'s variable, or not near one of ours', (name) => {
    expect(meantName(name)).toBeUndefined();
    expect(() => loadConfig({ ...TOKEN_ENV, [name]: 'x' }, MANUAL)).not.toThrow();
  });

  it('ignores a misspelt variable that is empty, and one a source cannot list (FunctionGraph user data)', () => {
    // Prepare: user data is asked by name only
    const userData = layeredEnv((name) => ({ ...TOKEN_ENV, DRS_DRYRUN: 'true' })[name]);

    // Act / Assess
    expect(() => loadConfig({ ...TOKEN_ENV, DRS_DRYRUN: ' ' }, MANUAL)).not.toThrow();
    expect(() => loadConfig(userData, MANUAL)).not.toThrow();
    expect(() => loadConfig(layeredEnv(() => undefined, { ...TOKEN_ENV, DRS_DRYRUN: 'true' }), MANUAL)).toThrow(/did you mean DRS_DRY_RUN/);
  });
});

describe('secrets', () => {
  const SECRET_NAMES = Object.entries(SETTINGS).filter(([, setting]) => 'secret' in setting && setting.secret).map(([name]) => name);

  it('are the credentials, the ledger URL, the webhook URLs and secret, and the proxies', () => {
    expect(SECRET_NAMES.sort()).toEqual([
      'ALL_PROXY', 'DRS_LEDGER_URL', 'HTTPS_PROXY', 'HTTP_PROXY', 'NOTIFY_SLACK_WEBHOOK_URL', 'NOTIFY_TEAMS_WEBHOOK_URL',
      'NOTIFY_WEBHOOK_SECRET', 'NOTIFY_WEBHOOK_URL', 'OS_AUTH_TOKEN', 'OS_PASSWORD', 'OS_SECRET_KEY', 'OS_SECURITY_TOKEN',
    ].sort());
  });

  it('never appear in a ConfigError, whatever value a secret setting holds', () => {
    // A value with the marker "hush" in it, and any other characters around it.
    const secretValue = fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })).map(([a, b]) => `${a}hush${b}`);
    fc.assert(fc.property(fc.constantFrom(...SECRET_NAMES), secretValue, fc.constantFrom<Env>({}, TOKEN_ENV), (name, value, base) => {
      // Act
      let message = '';
      try {
        loadConfig({ ...base, [name]: value }, MANUAL);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        message = error.message;
      }

      // Assess
      expect(message).not.toContain(value.trim() || 'hush');
    }), { numRuns: 500 });
  });

  it('are masked in any message by the one guard the parser applies to every ConfigError', () => {
    const env = { OS_PASSWORD: 'hunter2-secret', https_proxy: 'http://u:pw@proxy:1', OS_USERNAME: 'ops' };
    expect(maskSecrets('login as ops with hunter2-secret via http://u:pw@proxy:1', env)).toBe('login as ops with [secret] via [secret]');
  });
});
