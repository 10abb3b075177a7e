import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { demoJobId } from './emulator/demoProject.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';
import { returnedValue, serverless } from './support/serverlessCli.js';

const run = promisify(execFile);
const demo = demoJobId;
/** One serverless command takes 12-20 s on an idle 2-core machine, and more when the suite loads it. */
const SERVERLESS_TIMEOUT = { timeout: 120_000 };

/** What a prod stage needs at the least: a project and whom to log in as (the password is the secret's). */
const PROD_PARAMS = ['--param=osProjectId=0123456789abcdef0123456789abcdef', '--param=osUsername=drs-bot', '--param=osUserDomainName=OTC-EU-DE-00000000001'];

/** The function's environment in a packaged template. */
function packagedEnvironment(out: string): Record<string, string> {
  const template = JSON.parse(readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: { Environment?: { Variables: Record<string, string> } } }>;
  };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  return fn?.Properties.Environment?.Variables ?? {};
}

useDemoEmulator();

describe('serverless invoke local (the built handler, real CLI)', SERVERLESS_TIMEOUT, () => {
  it('runs events/manual.json against DRS', async () => {
    // Act
    // LOG_LEVEL=error: the report is logged whatever the level.
    const result = await serverless(['invoke', 'local', '--stage', 'local', '-f', 'autoRetry', '-p', 'events/manual.json'], { ...emulatorEnv(emulator), LOG_LEVEL: 'error' });

    // Assess
    expect(result.failed).toBe(false);
    const report = returnedValue(result.stdout);
    expect(report).toMatchObject({ trigger: 'manual', summary: { requested: 3, retried: 2, needs_attention: 1 } });
    expect(emulator.getTask(demo('fullTransferFailed'))?.status).toBe('FULL_TRANSFER_STARTED');
    expect(result.stdout).toMatch(/^\{"level":"info".*"msg":"drs-auto-retry report"\}$/m);
    expect(leakedSecrets([result.stdout, result.stderr], secretsInPlay(emulator))).toEqual([]);
  });

  it('runs events/schedule.json on the configuration (discover)', async () => {
    // Act
    const result = await serverless(['invoke', 'local', '--stage', 'local', '-f', 'autoRetry', '-p', 'events/schedule.json'], {
      ...emulatorEnv(emulator, 'aksk'),
      DRS_DISCOVER: 'true',
      DRS_DRY_RUN: 'true',
    });

    // Assess
    expect(result.failed).toBe(false);
    const report = returnedValue(result.stdout);
    expect(report).toMatchObject({ trigger: 'schedule', dryRun: true, summary: { requested: 12, would_retry: 9, needs_attention: 3 } });
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
    expect(leakedSecrets([result.stdout, result.stderr], secretsInPlay(emulator))).toEqual([]);
  });

  it('fails the invocation with a typed error on bad input, sending nothing', async () => {
    const result = await serverless(['invoke', 'local', '--stage', 'local', '-f', 'autoRetry', '-d', '{"jobIds":"x","dryrun":true}'], emulatorEnv(emulator));
    expect(result.failed).toBe(true);
    expect(result.stdout).toMatch(/"errorType": "ConfigError"/);
    expect(emulator.log.entries).toEqual([]);
  });
});

describe('serverless package (offline, no credentials)', SERVERLESS_TIMEOUT, () => {
  it('produces a zip with only the bundle and the files it loads beside it, and the schedule, event and SNS triggers', async () => {
    // Prepare
    const out = mkdtempSync(join(tmpdir(), 'sls-package-'));

    // Act
    const result = await serverless(['package', '--stage', 'prod', '--package', out, ...PROD_PARAMS]);

    // Assess
    expect(result.failed).toBe(false);
    const zipList = await run('python3', ['-c', 'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', join(out, 'drs-auto-retry.zip')]);
    const packed = zipList.stdout.trim().split('\n').sort();
    expect(packed).toEqual(['dist/autoRetry.cjs', 'dist/errors.cjs', 'dist/ledger-dynamodb.cjs', 'dist/ledger-postgres.cjs', 'dist/notify.cjs']);
    // Every file a packed one requires beside it (scripts/bundleOptions.mjs, SIDE_FILES) is packed too.
    const besides = packed.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/require\("\.\/([\w.-]+\.cjs)"\)/g)].map((m) => `dist/${m[1]}`));
    expect(besides.length).toBeGreaterThan(0);
    expect([...new Set(besides)].filter((file) => !packed.includes(file))).toEqual([]);
    const template = readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8');
    const resources = Object.values((JSON.parse(template) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }).Resources);
    const fn = resources.find((r) => r.Type === 'AWS::Lambda::Function');
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Handler: 'dist/autoRetry.handler', Timeout: 300, MemorySize: 256 });
    expect(resources.find((r) => r.Type === 'AWS::Lambda::EventInvokeConfig')?.Properties).toMatchObject({ MaximumRetryAttempts: 0 });
    const rules = resources.filter((r) => r.Type === 'AWS::Events::Rule').map((r) => JSON.stringify(r.Properties));
    expect(rules.some((r) => r.includes('cron(0/15 * * * ? *)') && r.includes('\\"trigger\\":\\"schedule\\"'))).toBe(true);
    expect(rules.some((r) => r.includes('DRS Retry Request'))).toBe(true);
    expect(resources.some((r) => r.Type === 'AWS::SNS::Topic')).toBe(true);
    // The ledger table, and item access to it only
    expect(resources.find((r) => r.Type === 'AWS::DynamoDB::Table')?.Properties).toMatchObject({
      TableName: 'drs-auto-retry-ledger-prod',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    const role = JSON.stringify(resources.find((r) => r.Type === 'AWS::IAM::Role')?.Properties);
    expect(role).toContain('"Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:DeleteItem","dynamodb:BatchGetItem","dynamodb:BatchWriteItem"],"Resource":{"Fn::GetAtt":["LedgerTable","Arn"]}');
    expect(role).not.toMatch(/dynamodb:\*/);
    expect(fn?.Properties).toMatchObject({
      Environment: { Variables: { DRS_LEDGER_TABLE: 'drs-auto-retry-ledger-prod', DRS_MAX_ATTEMPTS: '3', NODE_OPTIONS: '--max-semi-space-size=2' } },
    });
    // Secrets are dynamic references, never values
    expect(template).toContain('{{resolve:secretsmanager:drs-auto-retry/prod:SecretString:OS_PASSWORD}}');
  });

  it.each([
    ['package', ['package', '--stage', 'local']],
    ['deploy', ['deploy', '--stage', 'local']],
    ['deploy function', ['deploy', 'function', '-f', 'autoRetry', '--stage', 'local']],
  ])('refuses to %s the local stage, which would carry the shell\'s secrets, before writing anything', async (_name, args) => {
    // Prepare: a secret in the shell, as `npm run invoke` users have
    const out = mkdtempSync(join(tmpdir(), 'sls-local-'));
    const env = { OS_PASSWORD: 'shell-password-must-not-travel' };

    // Act
    const result = await serverless([...args, ...(args[0] === 'package' ? ['--package', out] : [])], env);

    // Assess
    expect(result.failed).toBe(true);
    expect(result.stdout + result.stderr).toMatch(/"local" stage copies your shell's secrets.*invoke local/s);
    expect(readdirSync(out)).toEqual([]);
    const written = existsSync('.serverless') ? readdirSync('.serverless').map((file) => readFileSync(join('.serverless', file), 'utf8')) : [];
    expect([result.stdout, result.stderr, ...written].join('\n')).not.toContain('shell-password-must-not-travel');
  });
});

describe('stage params (offline)', SERVERLESS_TIMEOUT, () => {
  it('credentials: aksk resolves the secret\'s AK/SK keys and no password; --region and --param reach the package', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sls-aksk-'));
    const result = await serverless(['package', '--stage', 'prod', '--region', 'eu-west-1', '--package', out, '--param=osProjectId=0123456789abcdef0123456789abcdef', '--param=credentials=aksk']);
    expect(result.failed).toBe(false);
    const state = JSON.parse(readFileSync(join(out, 'serverless-state.json'), 'utf8')) as { service: { provider: { region: string } } };
    expect(state.service.provider.region).toBe('eu-west-1');
    // The DynamoDB ledger stays on without any param: a scheduled run keeps its retry budgets.
    expect(packagedEnvironment(out)).toMatchObject({ OS_PROJECT_ID: '0123456789abcdef0123456789abcdef', DRS_LEDGER_TABLE: 'drs-auto-retry-ledger-prod' });
    const env = packagedEnvironment(out);
    expect(env).toMatchObject({
      OS_ACCESS_KEY: '{{resolve:secretsmanager:drs-auto-retry/prod:SecretString:OS_ACCESS_KEY}}',
      OS_SECRET_KEY: '{{resolve:secretsmanager:drs-auto-retry/prod:SecretString:OS_SECRET_KEY}}',
    });
    expect(JSON.stringify(env)).not.toContain('OS_PASSWORD}}');
    expect(env.OS_PASSWORD ?? '').toBe('');
  });

  it.each([
    ['no project and no user', [], /"prod" stage has no project and no user for its password, so every run would fail\. Set under params\.prod in serverless\.yml: osProjectId.*osUsername and osUserDomainName/s],
    ['no credentials', ['--param=osProjectId=0123456789abcdef0123456789abcdef', '--param=credentials=none'], /"prod" stage has no credentials.*credentials: password, aksk or token/s],
  ])('refuses to package a stage with %s, naming the params, before writing anything', async (_what, params, message) => {
    const out = mkdtempSync(join(tmpdir(), 'sls-empty-'));
    const result = await serverless(['package', '--stage', 'prod', '--package', out, ...params]);
    expect(result.failed).toBe(true);
    expect(result.stdout + result.stderr).toMatch(message);
    expect(readdirSync(out)).toEqual([]);
  });

  it('says that invoke local on a deployable stage runs on that stage\'s params, not on the shell', async () => {
    const result = await serverless(['invoke', 'local', '-f', 'autoRetry', '-p', 'events/manual.json'], emulatorEnv(emulator));
    expect(result.stdout + result.stderr).toMatch(/invoke local runs on the "dev" stage's params from serverless\.yml, not on your shell's variables\. To run on your shell's variables, use --stage local \(npm run invoke\)/);
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });
});
