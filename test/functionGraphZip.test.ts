import { execFile, execFileSync } from 'node:child_process';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { NO_LEDGER_WARNING } from '../lib/engine/warnings.js';
import { NOTHING_TO_DO } from '../lib/input/index.js';
import { demoJobId } from './emulator/demoProject.js';
import { DB_PASSWORD_IN_FAILURE_TEXT, FAILURE_CAUSE_JOBS, seedFailureCauses } from './emulator/failureCauses.js';
import { DEFAULT_ACCESS_KEY, DEFAULT_PROJECT, type EmulatorAccessKey } from './emulator/index.js';
import { issueToken } from './emulator/testClient.js';
import { leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { startPostgres, type LocalPostgres } from './support/postgres.js';
import { parseStrictJson } from './support/strictJson.js';
import { readZip } from './support/zipReader.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/**
 * The built zip on FunctionGraph's own Node (README "Deploying on FunctionGraph"): unpacked,
 * loaded under node 20.15.1 from the registry, and invoked with a context shaped like the
 * runtime's, against the emulator.
 */

const FUNCTIONGRAPH_NODE = 'node@20.15.1';
const RUNNER = join(process.cwd(), 'test', 'support', 'functionGraphInvoke.cjs');
/** A temporary key pair the agency hands out; the emulator accepts it only with its security token. */
const AGENCY_KEY: EmulatorAccessKey = {
  ak: 'AGENCYTMPQ8W3ZK2LD7X',
  sk: 'agencyTemporarySecret0Yq3nB8vR2kLm7TzX9c',
  securityToken: 'gQpAgencySecurityTokenForTheZipTest0123456789',
};
const MAX_LINE_BYTES = 90 * 1024;
/** An agency whose temporary keys DRS refuses (the emulator does not know them). */
const REFUSED_AGENCY = {
  securityAccessKey: 'AGENCYREFUSEDQ8W3ZK2',
  securitySecretKey: 'agencyRefusedSecret0Yq3nB8vR2kLm7TzX9c0',
  securityToken: 'gQpAgencyRefusedSecurityToken0123456789',
};
/** What the context of a function with that agency returns. */
const AGENCY = { securityAccessKey: AGENCY_KEY.ak, securitySecretKey: AGENCY_KEY.sk, securityToken: AGENCY_KEY.securityToken ?? '' };

interface Invocation {
  nodeVersion: string;
  elapsedMs: number;
  timeoutMs: number;
  report?: Report;
  error?: { name: string; message: string };
  /** Every line the function wrote to stdout (its log, which FunctionGraph sends to LTS). */
  stdout: string[];
}

interface InvokeOptions {
  userData: Record<string, string>;
  agency?: { securityAccessKey?: string; securitySecretKey?: string; securityToken?: string; authToken?: string };
  event?: unknown;
  /** RUNTIME_TIMEOUT, in seconds. */
  timeoutSeconds?: number;
  /** Further variables the runtime presets, e.g. RUNTIME_MAX_RESP_BODY_SIZE. */
  runtimeEnv?: Record<string, string>;
}

let work: string;
let indexJs: string;

/** The Node 20.15.1 binary, resolved once through npx in beforeAll. */
let functionGraphNodeBinary = '';

/**
 * npx without the bin folders of an outer `npx -p node@…` (as `.ci/run` runs the suite on Node 22):
 * npm would otherwise run on that registry Node, which lacks this machine's CA store, and wait
 * about 70 s on TLS retries before using its stale cache.
 */
function npxEnvironment(): Record<string, string> {
  const keep = ['HOME', 'npm_config_cache', 'npm_config_registry'].filter((name) => process.env[name] !== undefined);
  const path = (process.env.PATH ?? '').split(':').filter((dir) => !dir.includes('/_npx/')).join(':');
  return { ...Object.fromEntries(keep.map((name) => [name, process.env[name] ?? ''])), PATH: path };
}

/** Node 20.15.1 itself, with only the runtime's preset variables (no npx per invocation). */
function functionGraphNode(args: string[], env: Record<string, string> = {}) {
  return promisify(execFile)(functionGraphNodeBinary, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function invoke(options: InvokeOptions): Promise<Invocation> {
  const dir = mkdtempSync(join(work, 'invoke-'));
  const invocation = join(dir, 'invocation.json');
  const result = join(dir, 'result.json');
  writeFileSync(invocation, JSON.stringify({ event: options.event ?? {}, agency: options.agency ?? {} }));
  const { stdout } = await functionGraphNode([RUNNER, indexJs, invocation, result], {
    RUNTIME_PROJECT_ID: DEFAULT_PROJECT.id,
    RUNTIME_FUNC_NAME: 'drs-auto-retry',
    RUNTIME_TIMEOUT: String(options.timeoutSeconds ?? 300),
    RUNTIME_USERDATA: JSON.stringify(options.userData),
    ...options.runtimeEnv,
  });
  return { ...(JSON.parse(readFileSync(result, 'utf8')) as Omit<Invocation, 'stdout'>), stdout: stdout.split('\n').filter(Boolean) };
}

/** User data that points the function at the emulator, with no credential of its own. */
function endpoints(): Record<string, string> {
  return { OS_AUTH_URL: `${emulator.url}/v3`, DRS_ENDPOINT: emulator.url, SMN_ENDPOINT: emulator.url };
}

const outcomes = (report: Report | undefined) => Object.fromEntries((report?.jobs ?? []).map((job) => [job.jobId, job.outcome]));
const drsCalls = () => emulator.log.entries.filter((entry) => entry.route !== 'token');

/** Every stdout line is JSON within FunctionGraph's 90 KiB, and no secret is in any output. */
function expectCleanOutput(run: Invocation, secrets: string[]): void {
  for (const line of run.stdout) {
    expect(Buffer.byteLength(line)).toBeLessThanOrEqual(MAX_LINE_BYTES);
    // JSON, and no key twice in one object (the runId bound to the logger, and again in a line's own fields).
    expect(() => parseStrictJson(line)).not.toThrow();
  }
  expect(leakedSecrets([...run.stdout, JSON.stringify(run)], secretsInPlay(emulator, secrets))).toEqual([]);
}

beforeAll(async () => {
  // Prepare: package exactly as a user does, and unpack with an independent reader.
  const printed = execFileSync(process.execPath, ['scripts/packageFunctionGraph.mjs'], { encoding: 'utf8' });
  expect(printed).toMatch(/dist\/functiongraph\.zip: \d+(\.\d)? KB/);
  const entries = readZip(readFileSync('dist/functiongraph.zip'));
  expect(entries.map((entry) => entry.name)).toEqual(['index.js']);
  work = mkdtempSync(join(tmpdir(), 'fg-zip-'));
  indexJs = join(work, 'index.js');
  writeFileSync(indexJs, entries[0]?.data ?? '');
  // The first run downloads Node 20.15.1 from the registry (CI does the same): allow for it here.
  const resolved = await promisify(execFile)('npx', ['-y', '-p', FUNCTIONGRAPH_NODE, '--', 'node', '-p', 'process.execPath'], { env: npxEnvironment() });
  functionGraphNodeBinary = resolved.stdout.trim();
  const { stdout } = await functionGraphNode(['--version']);
  expect(stdout.trim()).toBe('v20.15.1');
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

useDemoEmulator({ accessKeys: [AGENCY_KEY] });

describe('the FunctionGraph zip on Node 20.15.1', () => {
  it('(a) signs with the agency AK/SK and its security token, in the function\'s project', async () => {
    // Prepare: the agency also has a token, which must not be used when the keys are there
    const token = await issueToken(emulator);
    emulator.log.clear();
    const userData = { ...endpoints(), DRS_JOB_IDS: `${demoJobId('fullTransferFailed')},${demoJobId('createFailed')}` };

    // Act
    const run = await invoke({
      userData,
      agency: { ...AGENCY, authToken: token },
    });

    // Assess
    expect(run.nodeVersion).toBe('v20.15.1');
    expect(run.error).toBeUndefined();
    expect(run.report?.projectId).toBe(DEFAULT_PROJECT.id);
    expect(outcomes(run.report)).toEqual({ [demoJobId('fullTransferFailed')]: 'retried', [demoJobId('createFailed')]: 'needs_attention' });
    expect(run.stdout.some((line) => line.includes('"credentials":"agency AK/SK + security token"'))).toBe(true);
    expect(drsCalls().length).toBeGreaterThan(0);
    for (const call of drsCalls()) {
      expect({ auth: call.auth, accessKey: call.accessKey, securityToken: call.securityToken, status: call.status })
        .toEqual({ auth: 'aksk', accessKey: AGENCY_KEY.ak, securityToken: AGENCY_KEY.securityToken, status: 200 });
    }
    expectCleanOutput(run, [AGENCY_KEY.sk, AGENCY_KEY.securityToken ?? '']);
  });

  it('(b) sends the agency token as X-Auth-Token when the context has no temporary keys', async () => {
    // Prepare: the token the agency hands out; only the function's own calls are logged
    const token = await issueToken(emulator);
    emulator.log.clear();

    // Act
    const run = await invoke({ userData: { ...endpoints(), DRS_JOB_IDS: demoJobId('increTransferFailed') }, agency: { authToken: token } });

    // Assess
    expect(outcomes(run.report)).toEqual({ [demoJobId('increTransferFailed')]: 'retried' });
    expect(drsCalls().map((call) => [call.auth, call.headers['x-auth-token'] === token, call.securityToken])).toEqual(
      drsCalls().map(() => ['token', true, undefined]),
    );
    expect(emulator.log.byRoute('token')).toEqual([]);
    expectCleanOutput(run, [token]);
  });

  it('(c) takes every setting, credentials included, from user data alone, and leaves the agency unused', async () => {
    // Prepare: the process environment has no DRS_* or OS_* variable at all
    const userData = {
      ...endpoints(),
      OS_ACCESS_KEY: DEFAULT_ACCESS_KEY.ak,
      OS_SECRET_KEY: DEFAULT_ACCESS_KEY.sk,
      OS_PROJECT_ID: DEFAULT_PROJECT.id,
      DRS_JOB_IDS: `${demoJobId('fullTransferFailed')} ${demoJobId('healthyIncre')}`,
      DRS_DRY_RUN: 'true',
      LOG_LEVEL: 'warn',
    };

    // Act
    const run = await invoke({
      userData,
      agency: AGENCY,
    });

    // Assess
    expect(run.report?.dryRun).toBe(true);
    expect(outcomes(run.report)).toEqual({ [demoJobId('fullTransferFailed')]: 'would_retry', [demoJobId('healthyIncre')]: 'skipped' });
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
    expect(drsCalls().map((call) => [call.accessKey, call.securityToken])).toEqual(drsCalls().map(() => [DEFAULT_ACCESS_KEY.ak, undefined]));
    // LOG_LEVEL=warn from user data: the report is the only info line
    expect(run.stdout.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => line.level === 'info'))
      .toEqual([expect.objectContaining({ msg: 'drs-auto-retry report' })]);
    expectCleanOutput(run, [AGENCY_KEY.sk]);
  });

  it('(d) runs a timer trigger whose user_event carries the job ids', async () => {
    // Prepare: the timer event as FunctionGraph sends it (reference: fg-timer-event)
    const event = {
      version: 'v1.0',
      time: '2026-12-01T08:30:00+01:00',
      trigger_type: 'TIMER',
      trigger_name: 'drs_auto_retry_every_15_minutes',
      user_event: JSON.stringify({ jobIds: [demoJobId('syncIncreFailed'), demoJobId('configuration')] }),
    };

    // Act
    const run = await invoke({
      userData: endpoints(),
      agency: AGENCY,
      event,
    });

    // Assess
    expect(run.report?.trigger).toBe('schedule');
    expect(outcomes(run.report)).toEqual({ [demoJobId('syncIncreFailed')]: 'retried', [demoJobId('configuration')]: 'skipped' });
    expect(emulator.getTask(demoJobId('syncIncreFailed'))?.retries).toHaveLength(1);
    // No ledger on a timer: every run starts with a fresh budget, and the report and the log say so.
    expect(run.report?.warnings).toEqual([NO_LEDGER_WARNING]);
    expect(run.stdout.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((line) => line.msg === NO_LEDGER_WARNING))
      .toEqual([expect.objectContaining({ level: 'warn' })]);
  });

  it('(e) returns the report with deferred jobs before the function times out, when the time left is too short', async () => {
    // Prepare: a 13 s function timeout leaves a budget of about 3 s; DRS never answers the retry
    emulator.faults.add({ route: 'batch-retry', kind: 'hang', times: Infinity });

    // Act
    const run = await invoke({
      userData: { ...endpoints(), DRS_JOB_IDS: demoJobId('fullTransferFailed'), DRS_DEADLINE_MS: '600000' },
      agency: AGENCY,
      timeoutSeconds: 13,
    });

    // Assess
    expect(run.report?.jobs).toEqual([expect.objectContaining({ outcome: 'deferred', reason: expect.stringMatching(/time budget/) })]);
    expect(run.elapsedMs).toBeLessThan(run.timeoutMs - 5_000);
    expect(run.stdout.some((line) => line.includes(run.report?.runId ?? 'no run id'))).toBe(true);
  });

  it('(f) logs a report too large for one line as a summary and parts of at most 90 KiB, every job in some line', async () => {
    // Prepare: 3,000 ids DRS does not know, from the timer's user_event
    const ids = Array.from({ length: 3_000 }, (_, i) => `${i.toString(16).padStart(8, '0')}-0000-4000-8000-00000000jb1${i % 10}`);
    const event = { version: 'v1.0', time: '2026-12-01T08:30:00+01:00', trigger_type: 'TIMER', trigger_name: 't', user_event: JSON.stringify({ jobIds: ids }) };

    // Act
    const run = await invoke({ userData: endpoints(), agency: AGENCY, event });

    // Assess
    const lines = run.stdout.map((line) => JSON.parse(line) as { msg: string; runId?: string; parts?: number; jobs?: Array<{ jobId: string }> });
    const summary = lines.find((line) => line.msg === 'drs-auto-retry report');
    const parts = lines.filter((line) => line.msg === 'drs-auto-retry report part');
    expect(run.report?.summary).toMatchObject({ requested: 3_000, not_found: 3_000 });
    expect(parts.length).toBeGreaterThan(1);
    expect(summary?.parts).toBe(parts.length);
    expect(new Set(parts.every((part) => part.runId === run.report?.runId) ? parts.flatMap((part) => part.jobs ?? []).map((job) => job.jobId) : [])).toEqual(new Set(ids));
    expectCleanOutput(run, [AGENCY_KEY.sk]);
  });

  it('(g) returns the report, with error set and the jobs deferred, when DRS refuses the agency\'s keys', async () => {
    // Act: a security token that does not belong to the key
    const run = await invoke({
      userData: { ...endpoints(), DRS_JOB_IDS: demoJobId('fullTransferFailed') },
      agency: { ...AGENCY, securityToken: 'a-stale-security-token-0123456789' },
    });

    // Assess
    expect(run.error).toBeUndefined();
    expect(run.report?.error).toMatchObject({ code: 'APIG.0301' });
    expect(outcomes(run.report)).toEqual({ [demoJobId('fullTransferFailed')]: 'deferred' });
    expect(run.stdout.some((line) => line.includes('"level":"error"') && line.includes('failed as a whole'))).toBe(true);
    expectCleanOutput(run, [AGENCY_KEY.sk, 'a-stale-security-token-0123456789']);
  });

  it('(i) sends its requests through the proxy that user data names (HTTP_PROXY), the process environment having none', async () => {
    // Prepare: a forward proxy on loopback, which sees plain-http requests in absolute form
    const proxy = createProxy();
    const forwarded: string[] = [];
    proxy.prependListener('request', (req: IncomingMessage) => void forwarded.push(req.url ?? ''));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const { port } = proxy.address() as { port: number };

    try {
      // Act
      const run = await invoke({
        userData: { ...endpoints(), DRS_JOB_IDS: demoJobId('fullTransferFailed'), http_proxy: `http://127.0.0.1:${port}` },
        agency: AGENCY,
      });

      // Assess: every call the emulator answered came through the proxy
      expect(outcomes(run.report)).toEqual({ [demoJobId('fullTransferFailed')]: 'retried' });
      expect(forwarded.length).toBeGreaterThan(0);
      expect(forwarded.every((line) => line.startsWith(`${emulator.url}/v3/`))).toBe(true);
      expect(emulator.log.entries.map((entry) => entry.path)).toEqual(forwarded.map((line) => new URL(line).pathname));
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('(j) falls back once to the agency token when DRS refuses the agency\'s AK/SK signature', async () => {
    // Prepare: keys DRS does not accept, and a good token beside them
    const token = await issueToken(emulator);
    emulator.log.clear();

    // Act
    const run = await invoke({ userData: { ...endpoints(), DRS_JOB_IDS: demoJobId('fullTransferFailed') }, agency: { ...REFUSED_AGENCY, authToken: token } });

    // Assess: one signed request refused, then the token for it and for everything after
    expect(run.report?.error).toBeUndefined();
    expect(outcomes(run.report)).toEqual({ [demoJobId('fullTransferFailed')]: 'retried' });
    expect(drsCalls().map((call) => [call.route, call.auth, call.status])).toEqual([
      ['batch-detail', 'aksk', 401],
      ['batch-detail', 'token', 200],
      ['batch-retry', 'token', 200],
    ]);
    expectCleanOutput(run, [token, REFUSED_AGENCY.securitySecretKey, REFUSED_AGENCY.securityToken]);
  });

  it('(k) names both the agency\'s AK/SK and its token when DRS refuses both', async () => {
    // Act: neither the keys nor the token are known to DRS
    const run = await invoke({
      userData: { ...endpoints(), DRS_JOB_IDS: demoJobId('fullTransferFailed') },
      agency: { ...REFUSED_AGENCY, authToken: 'an-agency-token-drs-does-not-know-0123456789' },
    });

    // Assess: the refusal ends the run after the one fallback, with both credentials named
    expect(run.report?.error?.message).toMatch(/^DRS batch-detail failed after 2 attempts: HTTP 401 .*Both the agency's temporary AK\/SK \(context\.getSecurityAccessKey, getSecuritySecretKey, getSecurityToken\) and its token \(context\.getToken\) were refused: check the function's agency/);
    expect(outcomes(run.report)).toEqual({ [demoJobId('fullTransferFailed')]: 'deferred' });
    expect(drsCalls().map((call) => [call.auth, call.status])).toEqual([['aksk', 401], ['token', 401]]);
    expectCleanOutput(run, [REFUSED_AGENCY.securitySecretKey, REFUSED_AGENCY.securityToken, 'an-agency-token-drs-does-not-know-0123456789']);
  });

  it('(l) falls back to the agency token on a 403 to the signed request too, and stops with PERMISSION_DENIED when the token is refused the same way', async () => {
    // Prepare: DRS refuses the first signed status read for lack of permission, then the token works
    const token = await issueToken(emulator);
    emulator.log.clear();
    emulator.faults.add({ route: 'batch-detail', kind: 'permission-denied' });
    const userData = { ...endpoints(), DRS_JOB_IDS: demoJobId('fullTransferFailed') };

    // Act
    const once = await invoke({ userData, agency: { ...AGENCY, authToken: token } });
    emulator.setStatus(demoJobId('fullTransferFailed'), 'FULL_TRANSFER_FAILED');
    emulator.faults.add({ route: 'batch-detail', kind: 'permission-denied', times: Infinity });
    emulator.log.clear();
    const always = await invoke({ userData, agency: { ...AGENCY, authToken: token } });

    // Assess
    expect(outcomes(once.report)).toEqual({ [demoJobId('fullTransferFailed')]: 'retried' });
    expect(always.report?.error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/drs:migrationJob:get/) });
    expect(drsCalls().map((call) => [call.auth, call.status])).toEqual([['aksk', 403], ['token', 403]]);
    for (const run of [once, always]) expectCleanOutput(run, [token, AGENCY_KEY.sk, AGENCY_KEY.securityToken ?? '']);
  });

  it('(m) returns a report over the response limit as its summary and the jobs that need a look, and logs every job', async () => {
    // Prepare: 1,500 healthy tasks (skipped) and three that need a look; a response limit of
    // 120,000 bytes (the runtime's RUNTIME_MAX_RESP_BODY_SIZE) leaves 100,000 for the report
    const healthy = Array.from({ length: 1_500 }, (_, i) => `${i.toString(16).padStart(8, '0')}-1111-4111-8111-11111111jb10`);
    for (const id of healthy) emulator.addTask({ id, status: 'INCRE_TRANSFER_STARTED' });
    const unknown = 'ffffffff-0000-4000-8000-000000000jb101';
    const ids = [...healthy.slice(0, 700), demoJobId('createFailed'), unknown, ...healthy.slice(700), demoJobId('fullTransferFailed')];
    const event = { jobIds: ids };

    // Act
    const run = await invoke({ userData: endpoints(), agency: AGENCY, event, runtimeEnv: { RUNTIME_MAX_RESP_BODY_SIZE: '120000' } });

    // Assess: the returned report fits, keeps the summary and the problems, and says what it left out
    const report = run.report;
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThanOrEqual(100_000);
    expect(report?.summary).toMatchObject({ requested: 1_503, skipped: 1_500, needs_attention: 1, not_found: 1, retried: 1 });
    expect(report?.jobs.map((job) => [job.jobId, job.outcome])).toEqual([[demoJobId('createFailed'), 'needs_attention'], [unknown, 'not_found']]);
    expect(report?.truncated).toEqual({ jobsOmitted: 1_501, reason: expect.stringMatching(/only jobs that need a look are here; the summary counts every job, and the log has each one$/) });
    // The log has every job, in its summary line and parts
    const logged = run.stdout.map((line) => JSON.parse(line) as { msg: string; jobs?: Array<{ jobId: string }>; report?: { jobs?: unknown[] } });
    const loggedIds = logged.filter((line) => line.msg === 'drs-auto-retry report part').flatMap((line) => line.jobs ?? []).map((job) => job.jobId);
    expect(new Set(loggedIds)).toEqual(new Set(ids));
    expect(logged.some((line) => line.msg.startsWith('the returned report was trimmed'))).toBe(true);
    expectCleanOutput(run, [AGENCY_KEY.sk]);
  });

  it('(m) a timer with no job IDs and no discovery fails naming the function\'s settings, not the CLI\'s options, and sends nothing', async () => {
    // Act
    const run = await invoke({
      userData: endpoints(),
      agency: AGENCY,
      event: { version: 'v1.0', trigger_type: 'TIMER', trigger_name: 'drs_auto_retry_every_15_minutes', user_event: '' },
    });

    // Assess
    expect(run.error).toEqual({ name: 'ConfigError', message: NOTHING_TO_DO.function });
    expect(run.error?.message).not.toMatch(/--job|--event|--discover/);
    expect(drsCalls()).toEqual([]);
  });

  it('(n) takes DRS_CAUSE_RULES from user data, never sends a cause that needs a person, and logs no database password', async () => {
    // Prepare: the failure-cause tasks beside the demo; the operator lets disk-full be resumed.
    seedFailureCauses(emulator);
    const rules = JSON.stringify([{ id: 'disk-full', retry: true }]);
    const ids = FAILURE_CAUSE_JOBS.map((job) => job.id);

    // Act
    const run = await invoke({ userData: { ...endpoints(), DRS_CAUSE_RULES: rules, LOG_LEVEL: 'debug' }, agency: AGENCY, event: { jobIds: ids } });

    // Assess
    expect(run.error).toBeUndefined();
    const sent = emulator.log.retriedJobIds();
    for (const job of FAILURE_CAUSE_JOBS) {
      const resumed = job.decision !== 'person' || job.cause === 'disk-full';
      expect(sent.includes(job.id), job.key).toBe(resumed);
      expect(run.report?.jobs.find((each) => each.jobId === job.id), job.key)
        .toMatchObject({ outcome: resumed ? 'retried' : 'needs_attention', failureReason: expect.any(String), cause: { id: job.cause } });
    }
    expectCleanOutput(run, [AGENCY_KEY.sk, DB_PASSWORD_IN_FAILURE_TEXT]);
  });

  it('(o) fails with a ConfigError naming the field of a bad DRS_CAUSE_RULES in user data, sending nothing', async () => {
    // Act
    const run = await invoke({ userData: { ...endpoints(), DRS_CAUSE_RULES: '[{"id":"disk-full","retyr":true}]' }, agency: AGENCY, event: { jobIds: ['a1'] } });

    // Assess
    expect(run.error).toEqual({ name: 'ConfigError', message: expect.stringMatching(/^DRS_CAUSE_RULES\[0\] has unknown field "retyr": did you mean "retry"\?/) });
    expect(emulator.log.entries).toEqual([]);
  });

  it('(h) without an agency or an OS_* credential, fails with advice and sends nothing', async () => {
    // Act
    const run = await invoke({ userData: { ...endpoints(), DRS_JOB_IDS: demoJobId('fullTransferFailed') } });

    // Assess
    expect(run.error).toEqual({ name: 'ConfigError', message: expect.stringMatching(/^no credentials: give the function an agency/) });
    expect(emulator.log.entries).toEqual([]);
  });
});


describe('the FunctionGraph zip with the PostgreSQL ledger', () => {
  let postgres: LocalPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(() => postgres?.close()); // unset after a failed start, whose error says why

  it('keeps the budget in PostgreSQL from DRS_LEDGER_URL in user data, with pg inside the zip', async () => {
    // Prepare
    const url = await postgres.freshDatabase();
    const userData = { ...endpoints(), DRS_JOB_IDS: demoJobId('increTransferFailed'), DRS_LEDGER_URL: url };

    // Act: the same job fails again before the second run, both on the timer
    const timer = { version: 'v1.0', trigger_type: 'TIMER', trigger_name: 'drs_auto_retry_every_15_minutes', user_event: '' };
    const first = await invoke({ userData, agency: AGENCY, event: timer });
    emulator.setStatus(demoJobId('increTransferFailed'), 'INCRE_TRANSFER_FAILED');
    const second = await invoke({ userData, agency: AGENCY, event: timer });

    // Assess
    expect(outcomes(first.report)).toEqual({ [demoJobId('increTransferFailed')]: 'retried' });
    // A timer with a ledger keeps the budget: nothing to warn about.
    expect(first.report).toMatchObject({ trigger: 'schedule' });
    expect(first.report).not.toHaveProperty('warnings');
    expect(second.report?.jobs[0]).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/^next attempt after /) });
    const rows = await postgres.query(`SELECT job_id, attempts FROM drs_auto_retry_ledger WHERE job_id <> ''`, [], new URL(url).pathname.slice(1));
    expect(rows).toEqual([{ job_id: demoJobId('increTransferFailed'), attempts: 1 }]);
    for (const run of [first, second]) expectCleanOutput(run, [AGENCY_KEY.sk, postgres.password, encodeURIComponent(postgres.password)]);
  });
});
