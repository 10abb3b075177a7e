import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { demoJobId as demo } from './emulator/demoProject.js';
import { CLI, runCli as runBuiltCli, type CliResult } from './support/cli.js';
import { emulatorEnv } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/** What a person meets at the command line: help, mistakes, input files, the text report, a terminal. */


function runCli(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliResult> {
  return runBuiltCli(args, { ...emulatorEnv(emulator), ...env }, stdin);
}

/** The CLI on a pseudo-terminal (util-linux `script`): stdout and stderr both arrive here. */
function runOnTerminal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const quoted = args.map((arg) => `'${arg}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `"${process.execPath}" "${CLI}" ${quoted}`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', ...emulatorEnv(emulator), ...env },
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'drs-cli-')), name);
  writeFileSync(file, text);
  return file;
}

const reportOf = (result: CliResult) => JSON.parse(result.stdout) as Report;

useDemoEmulator();

describe('help and version', () => {
  it.each([['-h'], ['--help', '--format', 'xml'], ['--frobnicate', '--help'], ['--batch-size', 'x', '-h']])(
    '%j prints the help and exits 0',
    async (...args) => {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: drs-auto-retry/);
      expect(result.stdout).toMatch(/-h, --help/);
      expect(result.stderr).toBe('');
      expect(emulator.log.entries).toEqual([]);
    },
  );

  it('-v prints the version', async () => {
    const result = await runCli(['-v']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('mistakes get our own message, exit 2 and no request', () => {
  it.each([
    [['--jobs', 'a1'], /^drs-auto-retry: unknown option --jobs; did you mean --job\?\n$/],
    [['--dryrun'], /unknown option --dryrun; did you mean --dry-run\?/],
    [['--batch-size', '-5', '--job', 'a1'], /^drs-auto-retry: --batch-size must be a whole number from 1 to 100 \(got "-5"\)\n$/],
    [['--deadline-ms', '1e6', '--job', 'a1'], /--deadline-ms must be a whole number from 1000 to 86400000 \(got "1e6"\)/],
    [['--concurrency', '--job', 'a1'], /^drs-auto-retry: --concurrency needs a value; see --help\n$/],
    [['--format'], /--format needs a value/],
    [['a1'], /unexpected argument "a1": job IDs go after --job/],
    [['--show', 'some'], /--show must be one of problems, actions, all, not "some"/],
    [['--job', ' , '], /--job needs a job ID/],
    [['--event', 'missing.json'], /--event missing\.json: no such file; check the path/],
    [['--event', tmpdir()], /is a directory/],
  ])('%j', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/XYZ|ERR_PARSE_ARGS|ENOENT/);
    expect(emulator.log.entries).toEqual([]);
  });

  it('LOG_LEVEL=bogus is a configuration error naming the allowed levels', async () => {
    const result = await runCli(['--job', demo('fullTransferFailed')], { LOG_LEVEL: 'bogus' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('drs-auto-retry: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "bogus")\n');
    expect(emulator.log.entries).toEqual([]);
  });
});

describe('giving jobs', () => {
  it('no job IDs and no discovery is a configuration error naming the three ways to give jobs', async () => {
    const result = await runCli(['--format', 'text']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'drs-auto-retry: nothing to do: no job IDs were given and discovery is off. Give jobs in one of three ways: DRS_JOB_IDS, '
        + 'the event\'s jobIds (on the command line: --job or --event), or DRS_DISCOVER=true (--discover)\n',
    );
    expect(emulator.log.entries).toEqual([]);
  });

  it('an event whose own list is empty asked for nothing on purpose: exit 0', async () => {
    const empty = await runCli(['--event', '-'], {}, '{"jobIds": []}');
    const discovering = await runCli(['--event', '-', '--dry-run'], { DRS_DISCOVER: 'true' }, '{"jobIds": []}');
    expect(empty.code).toBe(0);
    expect(reportOf(empty).summary.requested).toBe(0);
    expect(discovering.code).toBe(1);
    expect(reportOf(discovering).summary.would_retry).toBeGreaterThan(0);
  });

  it('--job splits at commas and spaces and trims, like DRS_JOB_IDS', async () => {
    const result = await runCli(['--dry-run', '--job', ` ${demo('fullTransferFailed')} `, '--job', `${demo('createFailed')},${demo('healthyIncre')}`]);
    expect(reportOf(result).jobs.map((job) => job.jobId)).toEqual([demo('fullTransferFailed'), demo('createFailed'), demo('healthyIncre')]);
  });

  it.each([
    ['a JSON array of ids', 'ids.json', JSON.stringify([demo('fullTransferFailed'), demo('createFailed')])],
    ['plain ids, one per line, with a comment', 'ids.txt', `# failed last night\n${demo('fullTransferFailed')}\n\n${demo('createFailed')}\n`],
    ['plain ids separated by commas', 'ids.txt', `${demo('fullTransferFailed')}, ${demo('createFailed')}`],
  ])('--event takes %s', async (_what, name, text) => {
    const result = await runCli(['--dry-run', '--event', tempFile(name, text)]);
    expect(result.stderr).not.toMatch(/drs-auto-retry:/);
    expect(reportOf(result).jobs.map((job) => job.jobId)).toEqual([demo('fullTransferFailed'), demo('createFailed')]);
  });

  it.each([
    ['broken JSON that is not an array', '["a1", ', /starts with "\[" but is not valid JSON.*\{"jobIds":\["<id>"\]\}.*JSON array of ids.*one per line/],
    ['something that is neither', 'ids: a1, a2', /is neither JSON nor a list of ids; give an event object such as \{"jobIds":\["<id>"\]\}/],
    ['an array holding a number', '["a1", 7]', /event\.txt: event\.jobIds\[1\] must be a string, got a number/],
  ])('--event refuses %s, naming the file and what to give', async (_what, text, message) => {
    const result = await runCli(['--event', tempFile('event.txt', text)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(emulator.log.entries).toEqual([]);
  });
});

describe('the text report', () => {
  it('a dry run lists which jobs would be retried, with name and type', async () => {
    const result = await runCli(['--format', 'text', '--dry-run', '--job', demo('fullTransferFailed'), '--job', demo('syncIncreFailed')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Would retry \(dry run\) \(2\):/);
    expect(result.stdout).toMatch(new RegExp(`${demo('syncIncreFailed')}\\s+DRS-inventory-sync\\s+sync\\s+would_retry\\s+INCRE_TRANSFER_FAILED`));
  });

  it('--show problems lists only the jobs that need a look; --show all adds the skipped ones', async () => {
    const args = ['--format', 'text', '--dry-run', '--job', demo('createFailed'), '--job', demo('fullTransferFailed'), '--job', demo('healthyIncre')];
    const problems = (await runCli([...args, '--show', 'problems'])).stdout;
    const all = (await runCli([...args, '--show', 'all'])).stdout;
    expect(problems).toContain(demo('createFailed'));
    expect(problems).not.toContain(demo('fullTransferFailed'));
    expect(problems).toMatch(/Not listed: 1 would_retry, 1 skipped \(--show all lists them\)\./);
    expect(all).toMatch(/Need a look \(1\):[\s\S]*Would retry \(dry run\) \(1\):[\s\S]*Skipped \(1\):/);
    expect(all).toMatch(new RegExp(`${demo('healthyIncre')}\\s+DRS-crm-migration\\s+migration\\s+skipped`));
    expect(all).not.toMatch(/Not listed/);
  });

  it('the default lists problems and retries, and counts the skipped ones', async () => {
    const result = await runCli(['--format', 'text', '--job', demo('fullTransferFailed'), '--job', demo('healthyIncre')]);
    expect(result.stdout).toMatch(/Retried \(1\):/);
    expect(result.stdout).not.toMatch(/Skipped \(/);
    expect(result.stdout).toMatch(/Not listed: 1 skipped/);
  });

  it('a failed login with 300 ids says the error once, with the count it deferred', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const result = await runCli(['--format', 'text'], { OS_PASSWORD: 'Wrong-Password-4-Test', DRS_JOB_IDS: ids.join(',') });
    expect(result.code).toBe(3);
    const text = result.stdout;
    expect(text.match(/IAM refused/g)).toHaveLength(1);
    expect(text).toMatch(/^RUN FAILED \(IAM\.0062\): /m);
    expect(text).toMatch(/^300 jobs were not attempted because of it \(deferred\); the next run picks them up\.$/m);
    expect(text).not.toContain(ids[0]);
    expect(text.split('\n').length).toBeLessThan(20);
    // The text report says it; the log line would say it a second time.
    expect(result.stderr).not.toMatch(/failed as a whole/);
  });
});

describe('on a terminal', () => {
  it('shows progress of the status read for a run of 301 healthy jobs', async () => {
    const ids = Array.from({ length: 301 }, (_, i) => `${String(i).padStart(8, '0')}-4444-4444-8444-444444444jb101`);
    for (const id of ids) emulator.addTask({ id, status: 'INCRE_TRANSFER_STARTED' });
    const out = await runOnTerminal(['--event', tempFile('ids.txt', ids.join('\n'))]);
    expect(out).toMatch(/\rread 100\/301 statuses · retried 0\/0/);
    expect(out).toMatch(/\rread 301\/301 statuses · retried 0\/0/);
    expect(out).toMatch(/DRS auto-retry — 301 skipped/);
  });

  it('logs short human lines, warnings and up by default, JSON lines when stderr is not a terminal', async () => {
    emulator.faults.add({ route: 'batch-detail', kind: 'server-error', times: 3 });
    const args = ['--dry-run', '--job', demo('fullTransferFailed')];
    const terminal = await runOnTerminal(args);
    const withInfo = await runOnTerminal(args, { LOG_LEVEL: 'info' });
    const piped = await runCli(args);
    expect(terminal).toMatch(/^drs-auto-retry warn: retrying a DRS\/IAM call \(retry=\{"operation":"DRS batch-detail"/m);
    expect(terminal).not.toMatch(/"level"|status read and retries done/);
    expect(withInfo).toMatch(/^drs-auto-retry info: status read and retries done \(read=1\)/m);
    expect(piped.stderr).toMatch(/^\{"level":"info",.*"msg":"status read and retries done"\}$/m);
  });
});
