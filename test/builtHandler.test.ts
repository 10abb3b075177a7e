import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTHING_TO_DO } from '../lib/input/index.js';
import { demoJobId as demo } from './emulator/demoProject.js';
import { emulatorEnv } from './support/emulatorEnv.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/** The built Lambda bundle, loaded and invoked in a fresh node as the Lambda runtime would. */
const BUNDLE = join(process.cwd(), 'dist', 'autoRetry.cjs');
const INVOKE = `
const { handler } = require(process.argv[1]);
const context = { awsRequestId: 'req-1', functionName: 'drs-auto-retry-test', getRemainingTimeInMillis: () => 60000 };
handler(JSON.parse(process.argv[2]), context).then(
  (report) => process.stderr.write('RESULT ' + JSON.stringify(report.summary) + '\\n'),
  (error) => process.stderr.write('THROWN ' + error.name + ': ' + error.message + '\\n'),
);`;


function invokeBuilt(event: unknown, env: Record<string, string>): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', INVOKE, BUNDLE, JSON.stringify(event)], {
      env: { PATH: process.env.PATH ?? '', ...emulatorEnv(emulator), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

const logLines = (stdout: string) => stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

useDemoEmulator();

describe('the built Lambda handler and LOG_LEVEL', () => {
  it.each(['warn', 'error', 'silent'])('LOG_LEVEL=%s still logs the report', async (level) => {
    const { stdout, stderr } = await invokeBuilt({ jobIds: [demo('fullTransferFailed')] }, { LOG_LEVEL: level });
    expect(stderr).toMatch(/^RESULT \{"requested":1,"retried":1/);
    const reports = logLines(stdout).filter((line) => line.msg === 'drs-auto-retry report');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ report: { summary: { requested: 1, retried: 1 } } });
  });

  it('a schedule with no job IDs and no discovery fails with a ConfigError naming the three ways to give jobs, in the function\'s words', async () => {
    const { stderr } = await invokeBuilt({ trigger: 'schedule' }, {});
    expect(stderr).toBe(`THROWN ConfigError: ${NOTHING_TO_DO.function}\n`);
    expect(stderr).toMatch(/DRS_JOB_IDS.*DRS_DISCOVER=true.*function's environment variables.*\{"jobIds":\["<job id>"\]\}/);
    expect(stderr).not.toMatch(/--job|--event|--discover/);
    expect(emulator.log.entries).toEqual([]);
  });

  it('LOG_LEVEL=bogus loads, then refuses the run with a ConfigError naming the levels', async () => {
    const { stdout, stderr } = await invokeBuilt({ jobIds: [demo('fullTransferFailed')] }, { LOG_LEVEL: 'bogus' });
    expect(stderr).toBe('THROWN ConfigError: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent (got "bogus")\n');
    expect(logLines(stdout).filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ message: expect.stringMatching(/^LOG_LEVEL must be one of/) }) }),
    ]);
    expect(emulator.log.entries).toEqual([]);
  });
});
