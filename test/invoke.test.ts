import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTHING_TO_DO } from '../lib/input/index.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { npmScriptWithoutBuild, returnedValue } from './support/serverlessCli.js';

/**
 * `npm run invoke` as a newcomer runs it (issue 21, item 4): the real script of package.json,
 * the real `serverless invoke local` on the built bundle, against the emulator. Without -p it runs
 * the configuration; with nothing to do it says how to give jobs in the function's words; no
 * output ever shows a location in the minified bundle.
 */

/** A location in a bundle (`dist/autoRetry.cjs:77:21908`): what no user should be shown. */
const BUNDLE_LOCATION = /\.cjs:\d+:\d+/;

interface InvokeError {
  errorMessage: string;
  errorType: string;
  stackTrace: string[];
}

const invoke = (args: string[], env: Record<string, string>) => npmScriptWithoutBuild('invoke', args, { ...emulatorEnv(emulator), ...env });

useDemoEmulator();

// The serverless CLI takes 15-20 s per invocation on 2 loaded cores.
describe('npm run invoke (serverless invoke local on the built bundle)', { timeout: 120_000 }, () => {
  it('without -p runs the configuration, as a schedule would', async () => {
    // Act
    const result = await invoke([], { DRS_DISCOVER: 'true', DRS_DRY_RUN: 'true' });

    // Assess
    expect(result.failed).toBe(false);
    expect(returnedValue(result.stdout)).toMatchObject({ trigger: 'manual', dryRun: true, summary: { requested: 12, would_retry: 9, needs_attention: 3 } });
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
    expect(leakedSecrets([result.stdout, result.stderr], secretsInPlay(emulator))).toEqual([]);
  });

  it('without -p and nothing to do, says how to give jobs in the function\'s settings and with -p, and shows no bundle location', async () => {
    // Act
    const result = await invoke([], {});

    // Assess
    expect(result.failed).toBe(true);
    const error = returnedValue<InvokeError>(result.stdout);
    expect(error).toEqual({ errorType: 'ConfigError', errorMessage: NOTHING_TO_DO.invokeLocal, stackTrace: [`ConfigError: ${NOTHING_TO_DO.invokeLocal}`] });
    expect(error.errorMessage).toMatch(/DRS_JOB_IDS.*DRS_DISCOVER=true.*npm run invoke -- -p events\/manual\.json/);
    expect(result.stdout + result.stderr).not.toMatch(/--job|--event|got a string/);
    expect(result.stdout + result.stderr).not.toMatch(BUNDLE_LOCATION);
    expect(emulator.log.entries).toEqual([]);
  });

  it('-p events/schedule.json with nothing to do names DRS_DISCOVER=true, not the CLI\'s options', async () => {
    const result = await invoke(['-p', 'events/schedule.json'], {});
    expect(result.failed).toBe(true);
    expect(returnedValue<InvokeError>(result.stdout).errorMessage).toBe(NOTHING_TO_DO.invokeLocal);
    expect(result.stdout + result.stderr).not.toMatch(/--job|--event|--discover/);
    expect(result.stdout + result.stderr).not.toMatch(BUNDLE_LOCATION);
  });
});

/** Loads the built Lambda bundle in a fresh node and invokes it with a context whose clock is broken (a bug, not a user error). */
function invokeWithBrokenContext(nodeOptions: string[]): Promise<string> {
  const script = `
const { handler } = require(process.argv[1]);
const context = { awsRequestId: 'req-1', functionName: 'drs-auto-retry-test', getRemainingTimeInMillis: () => { throw new TypeError('the clock broke'); } };
handler({ jobIds: ['3f1c9a52-7d4e-4b8a-9e21-5c6d0a1jb101'] }, context).then(
  () => process.stderr.write('RETURNED\\n'),
  (error) => process.stderr.write('THROWN ' + error.stack + '\\n'),
);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeOptions, '-e', script, join(process.cwd(), 'dist', 'autoRetry.cjs')], {
      env: { PATH: process.env.PATH ?? '', ...emulatorEnv(emulator), LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(stderr));
  });
}

describe('an unexpected error of the built handler', () => {
  it('with source maps on (as npm run invoke runs it), its stack names the sources', async () => {
    const stderr = await invokeWithBrokenContext(['--enable-source-maps']);
    expect(stderr).toMatch(/^THROWN TypeError: the clock broke\n/);
    expect(stderr).toMatch(/functions\/middleware\/timeBudget\.ts:\d+:\d+/);
    expect(stderr).not.toMatch(/autoRetry\.cjs:\d+:\d+/);
  });

  it('without them (a deployed function), its stack shows no location, and says how to get one', async () => {
    const stderr = await invokeWithBrokenContext([]);
    expect(stderr).toMatch(/^THROWN TypeError: the clock broke\n {4}\(no source location: the bundle is minified; run it with NODE_OPTIONS=--enable-source-maps/);
    expect(stderr).not.toMatch(BUNDLE_LOCATION);
  });
});
