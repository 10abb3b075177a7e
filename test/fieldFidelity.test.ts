import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { demoJobId as demo } from './emulator/demoProject.js';
import { runCli as runBuiltCli, type CliResult } from './support/cli.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';
import { emulatorEnv, leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';

/**
 * What a real project shows and the emulator used to hide (issue 20): every engine's tasks,
 * a missing permission, a 2xx that carries an error, ids DRS never reports. Each through the
 * built CLI against the emulator.
 */

useDemoEmulator();

async function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult & { report: Report }> {
  const result = await runBuiltCli(args, { ...emulatorEnv(emulator, 'password'), ...env });
  expect(leakedSecrets([result.stdout, result.stderr], secretsInPlay(emulator))).toEqual([]);
  return { ...result, report: JSON.parse(result.stdout) as Report };
}

const outcomes = (report: Report) => Object.fromEntries(report.jobs.map((job) => [job.jobId, job.outcome]));

describe('discovery finds the tasks of every engine type', () => {
  it('discovers a failed PostgreSQL sync, MongoDB migration, GaussDB sync and DR task, listing with engine_type ""', async () => {
    // Act: the list API's engine_type defaults to mysql (querying_tasks_of_a_tenant.rst)
    const { code, report } = await runCli(['--discover', '--dry-run']);

    // Assess
    expect(code).toBe(1);
    expect(outcomes(report)).toMatchObject({
      [demo('postgresSyncFailed')]: 'would_retry',
      [demo('mongoMigrationFailed')]: 'would_retry',
      [demo('taurusSyncFailed')]: 'would_retry',
      [demo('drFailed')]: 'would_retry',
    });
    const lists = emulator.log.byRoute('list').map((entry) => entry.body as { db_use_type: string; engine_type?: string });
    expect(lists.map((body) => [body.db_use_type, body.engine_type]).sort()).toEqual([['cloudDataGuard', ''], ['migration', ''], ['sync', '']]);
  });
});
