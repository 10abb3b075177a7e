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

/** `count` failed tasks of their own, so a test knows every retryable job of the run. */
function failedTasks(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `${i.toString(16).padStart(8, '0')}-2222-4222-8222-22222222jb10`;
    emulator.addTask({ id, status: 'INCRE_TRANSFER_FAILED' });
    return id;
  });
}

const jobArgs = (ids: readonly string[]) => ids.flatMap((id) => ['--job', id]);

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

describe('a missing permission fails the run as a whole', () => {
  it('stops at 403 DRS.M00102 on batch-retry-task: exit 3, PERMISSION_DENIED naming the action, no split, only the requests in flight', async () => {
    // Prepare: 12 retryable jobs in 4 batches of 3, 2 requests in flight at once
    const ids = failedTasks(12);
    emulator.faults.add({ route: 'batch-retry', kind: 'permission-denied', times: Infinity });

    // Act
    const { code, report } = await runCli([...jobArgs(ids), '--batch-size', '3', '--concurrency', '2']);

    // Assess
    expect(code).toBe(3);
    expect(report.error?.code).toBe('PERMISSION_DENIED');
    expect(report.error?.message).toMatch(/^DRS batch-retry-task failed: HTTP 403 DRS\.M00102 Insufficient user permissions\. The credentials lack the IAM permission drs:migrationJob:action: grant it in this project with VPC FullAccess, and RDS ReadOnlyAccess when the tasks use RDS .*SECURITY\.md/);
    // No batch was halved, and at most the two requests in flight went out
    const batches = emulator.log.retryBatches();
    expect(batches.length).toBeGreaterThanOrEqual(1);
    expect(batches.length).toBeLessThanOrEqual(2);
    for (const batch of batches) expect(batch).toHaveLength(3);
    expect(report.summary).toMatchObject({ requested: 12, deferred: 12, retry_failed: 0 });
    expect(ids.every((id) => emulator.getTask(id)?.status === 'INCRE_TRANSFER_FAILED')).toBe(true);
  });

  it('stops at 401 DRS.M00103 on the task list: no token refresh, no status read, the list action named', async () => {
    // Prepare
    emulator.faults.add({ route: 'list', kind: 'no-operation-permission', times: Infinity });

    // Act
    const { code, report } = await runCli(['--discover', '--job', demo('fullTransferFailed')]);

    // Assess: one login, at most the lists in flight, nothing else
    expect(code).toBe(3);
    expect(report.error).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringMatching(/^DRS list \w+ tasks failed: HTTP 401 DRS\.M00103 .*The credentials lack the IAM permission drs:migrationJob:list: grant it in this project \(/) });
    expect(emulator.log.byRoute('token')).toHaveLength(1);
    expect(emulator.log.byRoute('list').length).toBeLessThanOrEqual(2);
    expect(emulator.log.entries.filter((entry) => entry.route !== 'token' && entry.route !== 'list')).toEqual([]);
    expect(outcomes(report)).toEqual({ [demo('fullTransferFailed')]: 'deferred' });
  });

  it('stops at 403 DRS.M00102 on batch-detail, naming drs:migrationJob:get and the instances\' read permission', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-detail', kind: 'permission-denied', times: Infinity });

    // Act
    const { code, report } = await runCli(['--job', demo('fullTransferFailed'), '--job', demo('increTransferFailed')]);

    // Assess
    expect(code).toBe(3);
    expect(report.error?.code).toBe('PERMISSION_DENIED');
    expect(report.error?.message).toMatch(/drs:migrationJob:get: grant it in this project with the read permission of the tasks' DB instances \(RDS ReadOnlyAccess when they are RDS\)/);
    expect(emulator.log.byRoute('batch-detail')).toHaveLength(1);
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });

  it('still refreshes the token once on 403 DRS.M00100 (an invalid token), and finishes the run', async () => {
    // Prepare: the status read is held up long enough to revoke the first token under it
    emulator.faults.add({ route: 'batch-detail', kind: 'latency', ms: 300 });
    const run = runCli(['--job', demo('fullTransferFailed')]);
    while (emulator.log.byRoute('token').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    emulator.faults.expireTokensAfterCalls(0);

    // Act
    const { code, report } = await run;

    // Assess
    expect(code).toBe(0);
    expect(report.error).toBeUndefined();
    expect(emulator.log.byRoute('token')).toHaveLength(2);
    expect(emulator.log.byRoute('batch-detail').map((entry) => entry.status)).toEqual([403, 200]);
  });
});

describe('a 2xx answer with a top-level error_code is no success', () => {
  it('hands 202 DRS.M01504 on batch-retry-task to each job of the batch: deferred, with DRS\'s code and message', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-retry', kind: 'error-in-2xx' });

    // Act
    const { code, report } = await runCli(['--job', demo('fullTransferFailed'), '--job', demo('increTransferFailed')]);

    // Assess
    expect(code).toBe(1);
    for (const key of ['fullTransferFailed', 'increTransferFailed']) {
      expect(report.jobs.find((job) => job.jobId === demo(key))).toMatchObject({
        outcome: 'deferred',
        errorCode: 'DRS.M01504',
        errorMessage: expect.stringMatching(/^Another operation is being performed/),
        reason: expect.stringMatching(/busy/),
      });
    }
    expect(emulator.log.retryBatches()).toHaveLength(1);
  });

  it('hands another code as it means: DRS.M05066 on batch-retry-task is a retry_failed with that code', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-retry', kind: 'error-in-2xx', errorCode: 'DRS.M05066' });

    // Act
    const { report } = await runCli(['--job', demo('fullTransferFailed')]);

    // Assess
    expect(report.jobs[0]).toMatchObject({ outcome: 'retry_failed', errorCode: 'DRS.M05066', errorMessage: 'Failed to create instance!' });
  });

  it('keeps DRS\'s code on the jobs of a status read answered 202 DRS.M01504', async () => {
    // Prepare: the first of two pages of status reads comes back busy
    const ids = failedTasks(150);
    emulator.faults.add({ route: 'batch-detail', kind: 'error-in-2xx' });

    // Act
    const { report } = await runCli([...jobArgs(ids), '--concurrency', '1']);

    // Assess: 100 jobs deferred with the code, the other 50 retried
    const deferred = report.jobs.filter((job) => job.outcome === 'deferred');
    expect(deferred).toHaveLength(100);
    for (const job of deferred) expect(job).toMatchObject({ errorCode: 'DRS.M01504', reason: expect.stringMatching(/^status could not be read: DRS batch-detail failed: HTTP 202 DRS\.M01504/) });
    expect(report.summary.retried).toBe(50);
  });

  it('reports a task list answered 202 DRS.M01504 as the run\'s error, with DRS\'s code', async () => {
    // Prepare
    emulator.faults.add({ route: 'list', kind: 'error-in-2xx' });

    // Act
    const { code, report } = await runCli(['--discover', '--dry-run']);

    // Assess
    expect(code).toBe(3);
    expect(report.error).toMatchObject({ code: 'DRS.M01504', message: expect.stringMatching(/^DRS list \w+ tasks failed: HTTP 202 DRS\.M01504/) });
  });
});

describe('ids that batch-detail leaves out', () => {
  const GONE = 'c0ffee00-dead-4bad-8bad-00000000jb101';

  it('ends a left-out id not_found when the project\'s full listing lacks it too, and defers one the listing still has', async () => {
    // Prepare: one id of no task, one task DRS lists but does not report
    emulator.leaveOutOfDetail([GONE, demo('healthyIncre')]);

    // Act
    const { report } = await runCli(['--discover', '--dry-run', '--job', GONE, '--job', demo('healthyIncre')]);

    // Assess
    expect(report.jobs.find((job) => job.jobId === GONE)).toMatchObject({ outcome: 'not_found', reason: expect.stringMatching(/task list \(every scenario and engine type\) does not hold it/) });
    expect(report.jobs.find((job) => job.jobId === demo('healthyIncre'))).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/did not report/) });
    expect(report.summary).toMatchObject({ not_found: 1, deferred: 1 });
  });

  it('without discovery leaves it deferred and says how to get a verdict, asking only the one page the chunk holds', async () => {
    // Prepare: a full page of 100 ids, one of which DRS does not report
    const ids = [...failedTasks(99), GONE];
    emulator.leaveOutOfDetail([GONE]);

    // Act
    const { report } = await runCli([...jobArgs(ids), '--dry-run']);

    // Assess
    expect(report.jobs.find((job) => job.jobId === GONE)).toMatchObject({ outcome: 'deferred', reason: expect.stringMatching(/with DRS_DISCOVER=true a run also lists the project's tasks/) });
    expect(report.summary).toMatchObject({ would_retry: 99, deferred: 1 });
    const pages = emulator.log.byRoute('batch-detail').map((entry) => entry.body as { page_req: { cur_page: number } });
    expect(pages.map((body) => body.page_req.cur_page)).toEqual([1]);
    expect(emulator.log.byRoute('batch-detail').every((entry) => entry.status === 200)).toBe(true);
  });
});
