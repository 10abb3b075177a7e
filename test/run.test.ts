import { describe, expect, it } from 'vitest';
import { reportInvariantProblems } from '../lib/core/report.js';
import { DEMO_JOBS, demoJobId } from './emulator/demoProject.js';
import { outcomesOf, runAgainst } from './support/runAgainst.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

const demo = demoJobId;
const ALL_DEMO = () => DEMO_JOBS.map((j) => j.id);
const UNKNOWN = '00000000-dead-4bee-8f00-000000000jb101';
const id = (n: number) => `${String(n).padStart(8, '0')}-5555-4666-8777-888888888jb101`;

useDemoEmulator();

describe('a run over the demo project', () => {
  it('gives every job exactly one definite outcome', async () => {
    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [...ALL_DEMO(), UNKNOWN] } });

    // Assess
    expect(reportInvariantProblems(report)).toEqual([]);
    expect(report.error).toBeUndefined();
    expect(outcomesOf(report)).toEqual({
      [demo('fullTransferFailed')]: 'retried',
      [demo('increTransferFailed')]: 'retried',
      [demo('healthyIncre')]: 'skipped',
      [demo('fullComplete')]: 'skipped',
      [demo('createFailed')]: 'needs_attention',
      [demo('configuration')]: 'skipped',
      [demo('busy')]: 'deferred',
      [demo('syncIncreFailed')]: 'retried',
      [demo('syncReleaseFailed')]: 'needs_attention',
      [demo('syncHealthy')]: 'skipped',
      [demo('drParent')]: 'needs_attention',
      [demo('drChildFailed')]: 'retried',
      [demo('drChildHealthy')]: 'skipped',
      [demo('postgresSyncFailed')]: 'retried',
      [demo('mongoMigrationFailed')]: 'retried',
      [demo('taurusSyncFailed')]: 'retried',
      [demo('drFailed')]: 'retried',
      [UNKNOWN]: 'not_found',
    });
    expect(report.summary).toEqual({ requested: 18, retried: 8, retry_failed: 0, would_retry: 0, skipped: 5, needs_attention: 3, not_found: 1, deferred: 1 });
    expect(report.jobs.find((j) => j.jobId === demo('fullTransferFailed'))).toMatchObject({ status: 'FULL_TRANSFER_FAILED' });
    expect(report.jobs.find((j) => j.jobId === demo('busy'))).toMatchObject({ errorCode: 'DRS.M01504' });
  });

  it('never sends a must-not-retry task or a dual-active parent to batch-retry', async () => {
    // Act
    await runAgainst(emulator, { event: { jobIds: ALL_DEMO() } });

    // Assess
    const sent = emulator.log.retriedJobIds();
    for (const key of ['createFailed', 'syncReleaseFailed', 'drParent', 'healthyIncre', 'configuration']) expect(sent).not.toContain(demo(key));
    expect(new Set(sent).size).toBe(sent.length);
    expect(emulator.getTask(demo('createFailed'))?.retries).toEqual([]);
  });

  it('reads every status in one read phase with page_req, then retries', async () => {
    // Act
    await runAgainst(emulator, { event: { jobIds: ALL_DEMO() } });

    // Assess
    const routes = emulator.log.entries.map((e) => e.route).filter((r) => r !== 'token');
    expect(routes).toEqual(['batch-detail', 'batch-retry']);
    expect(emulator.log.retryBatches().map((batch) => batch.length)).toEqual([9]);
    expect(emulator.log.byRoute('batch-detail')[0]?.body).toMatchObject({ page_req: { cur_page: 1, per_page: 100 } });
  });

  it('finds failed tasks of every engine by listing all three scenarios with discover', async () => {
    // Act
    const report = await runAgainst(emulator, { event: { discover: true } });

    // Assess
    const listed = emulator.log.byRoute('list').map((e) => (e.body as { db_use_type: string }).db_use_type).sort();
    expect(listed).toEqual(['cloudDataGuard', 'migration', 'sync']);
    expect(outcomesOf(report)).toEqual({
      [demo('fullTransferFailed')]: 'retried',
      [demo('increTransferFailed')]: 'retried',
      [demo('createFailed')]: 'needs_attention',
      [demo('busy')]: 'deferred',
      [demo('syncIncreFailed')]: 'retried',
      [demo('syncReleaseFailed')]: 'needs_attention',
      [demo('drParent')]: 'needs_attention',
      [demo('drChildFailed')]: 'retried',
      [demo('postgresSyncFailed')]: 'retried',
      [demo('mongoMigrationFailed')]: 'retried',
      [demo('taurusSyncFailed')]: 'retried',
      [demo('drFailed')]: 'retried',
    });
    // engine_type defaults to mysql: without "" DRS would hide the PostgreSQL, MongoDB, GaussDB and DR tasks.
    expect(emulator.log.byRoute('list').map((e) => (e.body as { engine_type?: string }).engine_type)).toEqual(['', '', '']);
  });

  it('finds nothing left to retry on a second run', async () => {
    await runAgainst(emulator, { event: { discover: true } });
    const second = await runAgainst(emulator, { event: { discover: true } });
    expect(second.summary.retried).toBe(0);
    expect(second.summary.deferred).toBe(1); // the busy task answers busy twice
  });

  it('sends nothing in a dry run and says what it would retry', async () => {
    // Act
    const report = await runAgainst(emulator, { event: { jobIds: ALL_DEMO(), dryRun: true } });

    // Assess
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
    expect(report.dryRun).toBe(true);
    expect(report.summary.would_retry).toBe(9);
    expect(emulator.getTask(demo('fullTransferFailed'))?.status).toBe('FULL_TRANSFER_FAILED');
  });
});

describe('retry_failed', () => {
  it('reports a per-item refusal with its DRS code (is_sync_re_edit on a migration task)', async () => {
    // Act
    const report = await runAgainst(emulator, { env: { DRS_RE_EDIT: 'true' }, event: { jobIds: [demo('fullTransferFailed'), demo('syncIncreFailed')] } });

    // Assess
    expect(outcomesOf(report)).toEqual({ [demo('fullTransferFailed')]: 'retry_failed', [demo('syncIncreFailed')]: 'retried' });
    expect(report.jobs[0]).toMatchObject({ errorCode: 'DRS.M00401', status: 'FULL_TRANSFER_FAILED' });
    expect(emulator.log.byRoute('batch-retry')[0]?.body).toEqual({
      jobs: [{ job_id: demo('fullTransferFailed'), is_sync_re_edit: true }, { job_id: demo('syncIncreFailed'), is_sync_re_edit: true }],
    });
  });
});

describe('batches and concurrency', () => {
  it('never exceeds the batch size or the concurrency, and reads 250 statuses in 3 pages', async () => {
    // Prepare
    const ids = Array.from({ length: 250 }, (_, i) => id(i));
    for (const jobId of ids) emulator.addTask({ id: jobId, status: 'INCRE_TRANSFER_FAILED' });
    emulator.setLatency(15);

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: ids, batchSize: 7, concurrency: 3 } });

    // Assess
    expect(report.summary.retried).toBe(250);
    const batches = emulator.log.retryBatches().map((batch) => batch.length);
    expect(Math.max(...batches)).toBeLessThanOrEqual(7);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(250);
    expect(emulator.log.peakInFlight()).toBeLessThanOrEqual(3);
    expect(emulator.log.peakInFlight('batch-retry')).toBe(3);
    expect(emulator.log.byRoute('batch-detail')).toHaveLength(3);
  });
});

describe('faults', () => {
  it('defers the jobs of a retry request that stays throttled until DRS accepted nothing for the give-up time', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-retry', kind: 'throttle', times: Infinity });

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [demo('fullTransferFailed'), demo('healthyIncre')] }, retry: { throttleGiveUpAfterMs: 400 } });

    // Assess
    expect(outcomesOf(report)).toEqual({ [demo('fullTransferFailed')]: 'deferred', [demo('healthyIncre')]: 'skipped' });
    expect(report.jobs[0]?.reason).toMatch(/DRS\.M01503.*accepted none/);
    expect(emulator.log.byRoute('batch-retry').length).toBeGreaterThanOrEqual(1);
    expect(report.error).toBeUndefined();
  });

  it.each(['server-error', 'reset', 'rate-limit', 'malformed-json', 'html', 'truncated'] as const)(
    'survives a passing %s on every phase',
    async (kind) => {
      // Prepare
      for (const route of ['token', 'batch-detail', 'batch-retry'] as const) emulator.faults.add({ route, kind, times: 1, retryAfterSeconds: 0 });

      // Act
      const report = await runAgainst(emulator, { event: { jobIds: [demo('fullTransferFailed'), demo('syncIncreFailed')] } });

      // Assess
      expect(report.summary.retried).toBe(2);
      expect(report.error).toBeUndefined();
    },
  );

  it('refreshes a token that expires mid-run exactly once and carries on', async () => {
    // Prepare: the status read is held up long enough to kill the token under it
    emulator.faults.add({ route: 'batch-detail', kind: 'latency', ms: 300, times: 1 });
    const run = runAgainst(emulator, { event: { jobIds: [demo('fullTransferFailed'), demo('syncIncreFailed')], batchSize: 1 } });
    while (emulator.log.byRoute('token').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    emulator.faults.expireTokensAfterCalls(0);

    // Act
    const report = await run;

    // Assess
    expect(report.summary.retried).toBe(2);
    expect(emulator.log.byRoute('token')).toHaveLength(2);
    expect(emulator.log.byRoute('batch-detail').map((e) => e.status)).toEqual([403, 200]);
  });

  it('fails the run as a whole when the password is wrong, sending nothing', async () => {
    // Act
    const report = await runAgainst(emulator, { env: { OS_PASSWORD: 'wrong-password-123' }, event: { jobIds: [demo('fullTransferFailed')] } });

    // Assess
    expect(report.error?.message).toMatch(/IAM refused the password login/);
    expect(outcomesOf(report)).toEqual({ [demo('fullTransferFailed')]: 'deferred' });
    expect(emulator.log.byRoute('batch-detail')).toEqual([]);
  });

  it('reports an IAM call the time budget cut short as the budget, not as a login problem', async () => {
    // Prepare: IAM never answers, and the run has one second
    emulator.faults.add({ route: 'token', kind: 'hang', times: Infinity });

    // Act
    const report = await runAgainst(emulator, { env: { DRS_DEADLINE_MS: '1000' }, event: { jobIds: [demo('fullTransferFailed')] } });

    // Assess
    expect(report.error).toMatchObject({ code: 'DEADLINE_EXCEEDED', message: expect.stringMatching(/time budget \(DRS_DEADLINE_MS\)/) });
    expect(report.error?.message).not.toMatch(/OS_AUTH_URL|password/);
    expect(outcomesOf(report)).toEqual({ [demo('fullTransferFailed')]: 'deferred' });
  });

  it('never reports a project name as the project id, even when the login fails', async () => {
    // Act
    const report = await runAgainst(emulator, {
      env: { OS_PROJECT_ID: '', OS_PROJECT_NAME: 'eu-de_demo', OS_PASSWORD: 'wrong-password-123' },
      event: { jobIds: [demo('fullTransferFailed')] },
    });

    // Assess
    expect(report.error?.code).toBeDefined();
    expect(report.projectId).toBe('');
  });

  it('fails the run as a whole when DRS is unreachable', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-detail', kind: 'reset', times: Infinity });

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [demo('fullTransferFailed')] } });

    // Assess
    expect(report.error?.code).toBe('ECONNRESET');
    expect(outcomesOf(report)).toEqual({ [demo('fullTransferFailed')]: 'deferred' });
    expect(emulator.log.byRoute('batch-retry')).toEqual([]);
  });

  it('defers what the deadline does not leave time for, and ends on time', async () => {
    // Prepare
    emulator.faults.add({ route: 'batch-retry', kind: 'hang', times: Infinity });
    const started = Date.now();

    // Act
    const report = await runAgainst(emulator, { env: { DRS_DEADLINE_MS: '1500' }, event: { jobIds: [demo('fullTransferFailed'), demo('healthyIncre')] } });

    // Assess
    expect(Date.now() - started).toBeLessThan(1500 + 1000);
    expect(outcomesOf(report)).toEqual({ [demo('fullTransferFailed')]: 'deferred', [demo('healthyIncre')]: 'skipped' });
  });

  it('skips a task another run resumed first ("already resumed")', async () => {
    // Prepare: two runs race for the same failed job
    const jobIds = [demo('fullTransferFailed'), demo('increTransferFailed')];
    emulator.setLatency(20);

    // Act
    const [a, b] = await Promise.all([runAgainst(emulator, { event: { jobIds } }), runAgainst(emulator, { event: { jobIds } })]);

    // Assess: each job retried once in total; the loser skipped it
    for (const jobId of jobIds) {
      const outcomes = [outcomesOf(a)[jobId], outcomesOf(b)[jobId]].sort();
      expect(outcomes).toEqual(['retried', 'skipped']);
      expect(emulator.getTask(jobId)?.retries.filter((r) => r.outcome === 'success')).toHaveLength(1);
    }
    const loser = [...a.jobs, ...b.jobs].find((j) => j.outcome === 'skipped');
    expect(loser?.reason).toMatch(/already resumed/);
  });
});
