import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { demoJobId } from './emulator/demoProject.js';
import { CLI, runCli as runBuiltCli, type CliResult } from './support/cli.js';
import { emulatorEnv, leakedSecrets, secretsInPlay, type AuthKind } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

const demo = demoJobId;

/** The CLI against the emulator, with the given credentials and extra variables. */
function runCli(args: string[], options: { env?: Record<string, string>; auth?: AuthKind; stdin?: string } = {}): Promise<CliResult> {
  return runBuiltCli(args, { ...emulatorEnv(emulator, options.auth ?? 'password'), ...options.env }, options.stdin);
}

const drsCalls = () => emulator.log.entries.filter((e) => e.route !== 'token');

useDemoEmulator();

describe('drs-auto-retry CLI', () => {
  it('exits 0 when every job is retried or skipped, with the JSON report on stdout', async () => {
    // Act
    const result = await runCli(['--job', demo('fullTransferFailed'), '--job', demo('healthyIncre')]);

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report).toMatchObject({ schemaVersion: 1, trigger: 'manual', region: 'eu-de', dryRun: false });
    expect(report.summary).toMatchObject({ requested: 2, retried: 1, skipped: 1 });
    expect(result.stderr).toContain('"msg":"status read and retries done"');
  });

  it('uses AK/SK when a password is also set, and names the ignored password login in an info line', async () => {
    // Prepare
    const password = emulatorEnv(emulator, 'password');

    // Act
    const result = await runCli(['--job', demo('fullTransferFailed')], { auth: 'aksk', env: password });

    // Assess
    expect(result.code).toBe(0);
    expect(emulator.log.entries.filter((e) => e.route === 'token')).toEqual([]);
    const line = result.stderr.split('\n').find((l) => l.includes('also set and ignored'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({
      level: 'info', auth: 'aksk', ignored: ['OS_USERNAME/OS_PASSWORD'],
      msg: 'OS_USERNAME/OS_PASSWORD also set and ignored: OS_ACCESS_KEY/OS_SECRET_KEY ranks higher',
    });
    expect(leakedSecrets([result.stdout, result.stderr], secretsInPlay(emulator))).toEqual([]);
  });

  it('exits 1 when a job needs attention', async () => {
    const result = await runCli(['--job', demo('createFailed')], { auth: 'aksk' });
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as Report).jobs[0]).toMatchObject({ outcome: 'needs_attention', status: 'CREATE_FAILED' });
  });

  it.each([
    [['--batch-size', '0', '--job', 'a1'], /batch-size must be a whole number from 1 to 100/],
    [['--concurrency', '1.5', '--job', 'a1'], /--concurrency must be a whole number/],
    [['--job', '../etc/passwd'], /not a valid DRS job ID/],
    [['--frobnicate'], /unknown option --frobnicate; see --help/],
    [['--format', 'yaml'], /--format must be json or text/],
    [['--event', '/no/such/file.json'], /--event \/no\/such\/file\.json: no such file; check the path/],
  ])('exits 2 for bad input %j, sending nothing', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
    expect(emulator.log.entries).toEqual([]);
  });

  it('exits 2 for a bad variable, naming it', async () => {
    const result = await runCli(['--job', 'a1'], { env: { DRS_RETRY_STATUSES: 'CREATE_FAILED' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/DRS_RETRY_STATUSES .*must never be retried/);
    expect(emulator.log.entries).toEqual([]);
  });

  it('exits 3 when the run fails as a whole, with error set and no secret printed', async () => {
    // Act
    const result = await runCli(['--job', demo('fullTransferFailed')], { env: { OS_PASSWORD: 'Wrong-Password-4-Test' } });

    // Assess
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.error?.message).toMatch(/IAM refused the password login/);
    expect(report.jobs[0]?.outcome).toBe('deferred');
    expect(result.stdout + result.stderr).not.toContain('Wrong-Password-4-Test');
    expect(drsCalls()).toEqual([]);
  });

  it('reads an event file and stdin', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'drs-event-'));
    const file = join(dir, 'event.json');
    writeFileSync(file, JSON.stringify({ jobs: [{ job_id: demo('syncIncreFailed') }], dryRun: true }));

    // Act
    const fromFile = await runCli(['--event', file]);
    const fromStdin = await runCli(['--event', '-'], { stdin: JSON.stringify({ jobIds: [demo('increTransferFailed')], dryRun: true }) });

    // Assess
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ dryRun: true, summary: { would_retry: 1 } });
    expect(JSON.parse(fromStdin.stdout)).toMatchObject({ dryRun: true, summary: { would_retry: 1 } });
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });

  it('handles 10,000 ids from stdin and prints the whole report', async () => {
    // Prepare
    const ids = Array.from({ length: 10_000 }, (_, i) => `${String(i).padStart(8, '0')}-9999-4999-8999-999999999jb101`);
    for (const jobId of ids.slice(0, 100)) emulator.addTask({ id: jobId, status: 'FULL_TRANSFER_FAILED' });

    // Act
    const result = await runCli(['--event', '-', '--dry-run', '--concurrency', '10'], { stdin: JSON.stringify({ jobIds: ids }) });

    // Assess
    const report = JSON.parse(result.stdout) as Report;
    expect(report.jobs).toHaveLength(10_000);
    expect(report.summary).toMatchObject({ requested: 10_000, would_retry: 100, not_found: 9_900 });
    expect(emulator.log.byRoute('batch-detail')).toHaveLength(100);
    expect(result.code).toBe(1);
  });

  it('prints a readable text report: counts first, then the jobs that need a human, then those retried', async () => {
    // Act
    const result = await runCli(['--format', 'text', '--discover']);

    // Assess
    expect(result.code).toBe(1);
    const text = result.stdout;
    expect(text).toMatch(/^DRS auto-retry — 8 retried, 3 need attention, 1 deferred/);
    expect(text.indexOf('requested')).toBeLessThan(text.indexOf('Need a look (4):'));
    expect(text.indexOf('Need a look (4):')).toBeLessThan(text.indexOf('Retried (8):'));
    expect(text).toMatch(/requested\s+12\n/);
    expect(text).toMatch(/JOB\s+NAME\s+TYPE\s+OUTCOME\s+STATUS\s+CODE\s+CAUSE\s+DETAIL/);
    expect(text).toMatch(new RegExp(`${demo('createFailed')}\\s+DRS-analytics-migration\\s+migration\\s+needs_attention\\s+CREATE_FAILED`));
    expect(text).toMatch(new RegExp(`${demo('drChildFailed')}\\s+DRS-core-dual-active-forward\\s+DR\\s+retried\\s+INCRE_TRANSFER_FAILED`));
    expect(text).toMatch(new RegExp(`${demo('syncIncreFailed')}\\s+DRS-inventory-sync\\s+sync\\s+retried`));
  });

  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    const version = await runCli(['--version']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--dry-run\s+decide and report, send no retry/);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(emulator.log.entries).toEqual([]);
  });

  it.each(['password', 'aksk'] as const)('never prints a secret (%s auth)', async (auth) => {
    // Act
    const result = await runCli(['--discover', '--format', 'json'], { auth, env: { LOG_LEVEL: 'debug' } });

    // Assess
    expect(result.code).toBe(1);
    expect(leakedSecrets([result.stdout, result.stderr], secretsInPlay(emulator))).toEqual([]);
  });
});

describe('on a terminal', () => {
  it('defaults to the text report and shows progress for more than 100 jobs', async () => {
    // Prepare: 150 failed tasks, and a pseudo-terminal from util-linux `script`
    const ids = Array.from({ length: 150 }, (_, i) => `${String(i).padStart(8, '0')}-3333-4333-8333-333333333jb101`);
    for (const id of ids) emulator.addTask({ id, status: 'INCRE_TRANSFER_FAILED' });
    const dir = mkdtempSync(join(tmpdir(), 'drs-tty-'));
    const eventFile = join(dir, 'event.json');
    writeFileSync(eventFile, JSON.stringify({ jobIds: ids, batchSize: 20 }));
    const env = { PATH: process.env.PATH ?? '', ...emulatorEnv(emulator), LOG_LEVEL: 'warn' };

    // Act
    const result = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qec', `"${process.execPath}" "${CLI}" --event "${eventFile}"`, '/dev/null'], { env });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });

    // Assess
    expect(result).toMatch(/\rread 100\/150 statuses · retried 0\/100/);
    expect(result).toMatch(/\rread 150\/150 statuses · retried 150\/150/);
    expect(result).toMatch(/DRS auto-retry — 150 retried/);
    expect(result).not.toMatch(/"schemaVersion"/);
  });
});
