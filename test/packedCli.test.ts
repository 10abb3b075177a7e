/**
 * The CLI on a host without the clone (README "Installing the CLI on a host"): `npm pack`, then
 * `npm install --global` of the tarball into a temporary prefix with no registry (--offline and
 * an empty cache), then the installed command from another directory: --version, and runs
 * against the emulator, with the DynamoDB ledger too.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { demoJobId } from './emulator/demoProject.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';
import { emulatorEnv } from './support/emulatorEnv.js';
import { LOCAL_AWS_ENV, startDynalite, type LocalDynamo } from './support/dynalite.js';

const run = promisify(execFile);
const ROOT = process.cwd();
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
};

/**
 * npm as the machine has it, without the bin folders of an outer `npx -p node@…` (as `.ci/run`
 * runs the suite on Node 22), and never a registry: --offline with an empty cache below.
 */
function npmEnvironment(): Record<string, string> {
  const path = (process.env.PATH ?? '').split(':').filter((dir) => !dir.includes('/_npx/')).join(':');
  return { PATH: path, HOME: process.env.HOME ?? '', npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

let work: string;
let installed: string;
let packed: { filename: string; files: { path: string; mode: number }[] };
let installOutput: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'drs-pack-'));
  // dist/ is built by the suite's global setup; a user's `npm pack` builds it through `prepare`.
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, env: npmEnvironment() });
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0] ?? packed;
  const elsewhere = join(work, 'elsewhere');
  mkdirSync(elsewhere);
  const prefix = join(work, 'prefix');
  const install = await run(
    'npm',
    ['install', '--global', '--prefix', prefix, '--offline', '--cache', join(work, 'empty-cache'), '--ignore-scripts', join(work, packed.filename)],
    { cwd: elsewhere, env: npmEnvironment() },
  );
  installOutput = install.stdout + install.stderr;
  installed = join(prefix, 'bin', 'drs-auto-retry');
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The installed command, run from a directory with no node_modules anywhere above it. */
async function installedCli(args: string[], env: Record<string, string>) {
  const cwd = mkdtempSync(join(work, 'cwd-'));
  const result = await run(installed, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env } }).catch(
    (error: { code?: number; stdout?: string; stderr?: string }) => error,
  );
  return { code: 'code' in result && typeof result.code === 'number' ? result.code : 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

describe('the packed CLI (npm pack, then npm install --global of the tarball, offline)', () => {
  it('packs only the CLI, executable, and declares no dependency to fetch', () => {
    expect(packed.filename).toBe(`drs-auto-retry-${packageJson.version}.tgz`);
    expect(packed.files.map((file) => file.path).sort()).toEqual(['LICENSE', 'README.md', 'SECURITY.md', 'dist/aws-dynamodb.cjs', 'dist/drs-auto-retry.cjs', 'package.json']);
    expect(packed.files.find((file) => file.path === 'dist/drs-auto-retry.cjs')?.mode).toBe(0o755);
    expect(readFileSync(join(ROOT, 'dist', 'drs-auto-retry.cjs'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    // Everything the CLI needs is bundled into dist/: a dependency here would be fetched from the registry.
    expect(packageJson.dependencies ?? {}).toEqual({});
    expect(packageJson.scripts.prepare).toBe('node scripts/build.mjs');
  });

  it('installs with no registry and nothing to run', () => {
    expect(installOutput).toMatch(/added 1 package/);
  });

  it('prints its version from another directory', async () => {
    const result = await installedCli(['--version'], {});
    expect(result).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` });
  });

  describe('against the emulator', () => {
    useDemoEmulator();
    let dynamo: LocalDynamo;
    beforeAll(async () => {
      dynamo = await startDynalite();
    });
    afterAll(() => dynamo.close());

    it('retries a failed task and reports it', async () => {
      const result = await installedCli(['--job', demoJobId('fullTransferFailed'), '--job', demoJobId('healthyIncre')], emulatorEnv(emulator, 'aksk'));
      expect(result.code).toBe(0);
      expect((JSON.parse(result.stdout) as Report).summary).toMatchObject({ requested: 2, retried: 1, skipped: 1 });
      expect(emulator.log.byRoute('batch-retry')).toHaveLength(1);
    });

    it('keeps the retry budget in DynamoDB with the SDK it carries (dist/aws-dynamodb.cjs)', async () => {
      const job = demoJobId('increTransferFailed');
      await dynamo.createLedgerTable('drs-ledger-packed');
      const env = { ...emulatorEnv(emulator, 'aksk'), ...LOCAL_AWS_ENV, DRS_LEDGER_TABLE: 'drs-ledger-packed', DRS_LEDGER_ENDPOINT: dynamo.endpoint };

      const first = await installedCli(['--job', job], env);
      emulator.setStatus(job, 'INCRE_TRANSFER_FAILED');
      const second = await installedCli(['--job', job], env);

      expect((JSON.parse(first.stdout) as Report).jobs[0]?.outcome).toBe('retried');
      expect((JSON.parse(second.stdout) as Report).jobs[0]).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/^next attempt after /) });
    });
  });
});
