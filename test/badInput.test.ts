import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../functions/autoRetry.js';
import { ConfigError } from '../lib/errors.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_USER, startEmulator, type Emulator } from './emulator/index.js';
import { captureStdout } from './support/captureStdout.js';
import { runCli, type CliResult } from './support/cli.js';
import { emulatorEnv } from './support/emulatorEnv.js';

/**
 * The bad-input table: each case must give a clear message naming the fix, exit 2 from the CLI
 * (or a typed ConfigError from the handler), and not one request to IAM or DRS.
 */
interface BadInput {
  name: string;
  /** Variables to set; `null` removes one from the working environment. */
  env?: Record<string, string | null>;
  /** The event payload (sent to the handler, and to the CLI on stdin). */
  event?: unknown;
  /** Raw stdin text for the CLI only (malformed JSON). */
  raw?: string;
  /** Extra CLI arguments (CLI only). */
  args?: string[];
  message: RegExp;
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `job-${i}`);
const nested = (depth: number): unknown => (depth === 0 ? { jobIds: ['a1'] } : { detail: nested(depth - 1), 'detail-type': 'x', source: 'y' });

const CASES: BadInput[] = [
  { name: 'malformed JSON', raw: '{"jobIds": ["a1",]}', message: /stdin.*JSON/i },
  { name: 'jobIds as a string', event: { jobIds: 'a1' }, message: /jobIds/ },
  { name: 'a number among the ids', event: { jobIds: ['a1', 7] }, message: /jobIds\[1\]/ },
  { name: 'an empty id', event: { jobIds: [''] }, message: /jobIds\[0\]/ },
  { name: 'more than 100,000 ids', event: { jobIds: ids(100_001) }, message: /100,?000/ },
  { name: 'an id with a control character', event: { jobIds: ['a1\u0007b'] }, message: /not a valid DRS job ID/ },
  { name: 'an id with ../', event: { jobIds: ['../../etc/passwd'] }, message: /not a valid DRS job ID/ },
  { name: 'an id with quotes', event: { jobIds: ['a"1'] }, message: /not a valid DRS job ID/ },
  { name: 'an id with a space inside', event: { jobIds: ['a 1'] }, message: /not a valid DRS job ID/ },
  { name: 'a bad id in DRS_JOB_IDS', env: { DRS_JOB_IDS: 'ok-1, bad;id' }, message: /DRS_JOB_IDS/ },
  { name: 'dryRun as a string', event: { dryRun: 'yes' }, message: /dryRun/ },
  { name: 'an unknown field (typo)', event: { jobIds: ['a1'], dryrun: true }, message: /did you mean "dryRun"/ },
  { name: 'an event nested too deep', event: nested(9), message: /nest|deep/i },
  { name: 'negative batch size', env: { DRS_BATCH_SIZE: '-1' }, message: /DRS_BATCH_SIZE must be a whole number from 1 to 100/ },
  { name: 'zero batch size', event: { jobIds: ['a1'], batchSize: 0 }, message: /batchSize must be a whole number from 1 to 100/ },
  { name: 'fractional batch size', env: { DRS_BATCH_SIZE: '2.5' }, message: /DRS_BATCH_SIZE/ },
  { name: 'huge batch size', env: { DRS_BATCH_SIZE: '1000000000' }, message: /DRS_BATCH_SIZE/ },
  { name: 'zero concurrency', env: { DRS_CONCURRENCY: '0' }, message: /DRS_CONCURRENCY must be a whole number from 1 to 20/ },
  { name: 'concurrency above 20', event: { jobIds: ['a1'], concurrency: 21 }, message: /concurrency/ },
  { name: 'a timeout of 0', env: { DRS_TIMEOUT_MS: '0' }, message: /DRS_TIMEOUT_MS/ },
  { name: 'a deadline below 1 s', env: { DRS_DEADLINE_MS: '10' }, message: /DRS_DEADLINE_MS/ },
  { name: 'a boolean that is not one', env: { DRS_DRY_RUN: 'maybe' }, message: /DRS_DRY_RUN/ },
  { name: 'an unknown retry status', env: { DRS_RETRY_STATUSES: 'FULL_TRANSFER_FAILED,RUNNING' }, message: /unknown status "RUNNING"/ },
  { name: 'a never-retry status', event: { jobIds: ['a1'], retryStatuses: ['RELEASE_RESOURCE_FAILED'] }, message: /must never be retried/ },
  { name: 'an unknown region format', env: { OS_REGION_NAME: 'EU DE' }, message: /OS_REGION_NAME is not a region name/ },
  { name: 'a region override that is not one', event: { jobIds: ['a1'], region: 'eu_de!' }, message: /region/ },
  { name: 'a password login, and an access key without its secret', env: { OS_ACCESS_KEY: DEFAULT_ACCESS_KEY.ak }, message: /OS_SECRET_KEY/ },
  { name: 'a token, and a user without a password', env: { OS_AUTH_TOKEN: 'tok-1', OS_PASSWORD: null }, message: /set OS_PASSWORD/ },
  { name: 'an access key without its secret', env: { OS_USERNAME: null, OS_PASSWORD: null, OS_ACCESS_KEY: DEFAULT_ACCESS_KEY.ak }, message: /OS_SECRET_KEY/ },
  { name: 'a secret key without its access key', env: { OS_USERNAME: null, OS_PASSWORD: null, OS_SECRET_KEY: DEFAULT_ACCESS_KEY.sk }, message: /OS_ACCESS_KEY/ },
  { name: 'no credentials at all', env: { OS_USERNAME: null, OS_PASSWORD: null, OS_USER_DOMAIN_NAME: null }, message: /no credentials/ },
  { name: 'a password without a user', env: { OS_USERNAME: null }, message: /OS_USERNAME/ },
  { name: 'no project', env: { OS_PROJECT_ID: null }, message: /OS_PROJECT_ID or OS_PROJECT_NAME/ },
  { name: 'an invalid DRS_ENDPOINT', env: { DRS_ENDPOINT: 'not a url' }, message: /DRS_ENDPOINT/ },
  { name: 'a DRS_ENDPOINT with a path', env: { DRS_ENDPOINT: 'https://drs.eu-de.otc.t-systems.com/v3' }, message: /DRS_ENDPOINT/ },
  { name: 'credentials over plain http to a remote host', env: { OS_AUTH_URL: 'http://iam.eu-de.otc.t-systems.com/v3' }, message: /OS_AUTH_URL.*(http|HTTPS|encrypt)/i },
  { name: 'an unknown NOTIFY_ON', env: { NOTIFY_ON: 'sometimes' }, message: /NOTIFY_ON/ },
  { name: 'a misspelt variable', env: { DRS_DRYRUN: 'true' }, message: /^(drs-auto-retry: )?DRS_DRYRUN is not a setting of drs-auto-retry: did you mean DRS_DRY_RUN\? Rename it, or remove it\n?$/ },
  { name: 'a webhook secret without a webhook', env: { NOTIFY_WEBHOOK_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, message: /NOTIFY_WEBHOOK_URL/ },
  { name: 'DRS_CAUSE_RULES that is not JSON', env: { DRS_CAUSE_RULES: '[{"id":"disk-full",}]' }, message: /DRS_CAUSE_RULES is not valid JSON at line 1, column 20/ },
  { name: 'an unknown field in DRS_CAUSE_RULES', env: { DRS_CAUSE_RULES: '[{"id":"disk-full","retyr":false}]' }, message: /DRS_CAUSE_RULES\[0\] has unknown field "retyr": did you mean "retry"\?/ },
  {
    name: 'an invalid pattern in DRS_CAUSE_RULES',
    env: { DRS_CAUSE_RULES: '[{"id":"vendor-lock","pattern":"(unclosed","retry":false,"hint":"Ask the DBA."}]' },
    message: /DRS_CAUSE_RULES\[0\]\.pattern\[0\] is not a valid regular expression/,
  },
  { name: 'an SNS message that is not JSON', event: { Records: [{ EventSource: 'aws:sns', Sns: { Message: 'retry please' } }] }, message: /Message|JSON/ },
  { name: 'a CLI number that is not one', args: ['--deadline-ms', 'soon'], message: /--deadline-ms must be a whole number/ },
  { name: 'an unknown CLI option', args: ['--retry-everything'], message: /unknown option --retry-everything; see --help/ },
];

let emulator: Emulator;
let baseEnv: Record<string, string>;

function envFor(overrides: BadInput['env'] = {}): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  return env;
}

function runCase(c: BadInput): Promise<CliResult> {
  const stdin = c.raw ?? (c.event === undefined ? undefined : JSON.stringify(c.event));
  const args = [...(stdin === undefined ? ['--job', 'a1'] : ['--event', '-']), ...(c.args ?? [])];
  return runCli(args, envFor(c.env), stdin);
}

beforeAll(async () => {
  emulator = await startEmulator();
  baseEnv = emulatorEnv(emulator);
});
afterAll(() => emulator.close());

describe('bad input', () => {
  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('CLI: %s → exit 2, a clear message, nothing sent', async (_name, c) => {
    const result = await runCase(c);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(c.message);
    expect(result.stderr).not.toContain(DEFAULT_USER.password);
    expect(result.stdout).toBe('');
    expect(emulator.log.entries).toEqual([]);
  });

  it.each(CASES.filter((c) => !c.raw && !c.args).map((c) => [c.name, c] as const))(
    'handler: %s → ConfigError, nothing sent',
    async (_name, c) => {
      // Prepare
      const saved = process.env;
      process.env = envFor(c.env);
      try {
        // Act
        const { error, lines, json } = await captureStdout(() => handler(c.event ?? { jobIds: ['a1'] }, { getRemainingTimeInMillis: () => 60_000 } as Context));

        // Assess
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toMatch(c.message);
        expect((error as Error).message).not.toContain(DEFAULT_USER.password);
        expect(emulator.log.entries).toEqual([]);
        // One line says why, with the same message; one EMF line counts the failed run.
        expect(json().filter((line) => line.level === 'error')).toEqual([
          expect.objectContaining({ msg: 'invalid input or configuration; nothing was sent to DRS', error: expect.objectContaining({ message: (error as Error).message }) }),
        ]);
        expect(json().filter((line) => '_aws' in line)).toEqual([expect.objectContaining({ RunFailed: 1 })]);
        expect(lines.join('\n')).not.toContain(DEFAULT_USER.password);
      } finally {
        process.env = saved;
      }
    },
  );
});
