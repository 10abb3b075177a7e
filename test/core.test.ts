import { describe, expect, it } from 'vitest';
import { chunksOf } from '../lib/core/chunks.js';
import { classifyTask } from '../lib/core/classify.js';
import { clip } from '../lib/core/clip.js';
import type { ObservedTask } from '../lib/core/outcomes.js';
import { planRetries } from '../lib/core/plan.js';
import { buildReport, exitCodeOf, hasProblems, reportInvariantProblems } from '../lib/core/report.js';
import type { TaskItem } from '../lib/core/outcomes.js';
import { outcomeOfRetryAnswer } from '../lib/core/retryAnswers.js';

const RETRY = new Set(['FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED']);
const task = (status: string | undefined, extra: Partial<ObservedTask> = {}): ObservedTask => ({
  id: 'job-1',
  status,
  isDualActiveParent: false,
  ...extra,
});

describe('classifyTask', () => {
  it.each([
    ['FULL_TRANSFER_FAILED', 'retry'],
    ['INCRE_TRANSFER_FAILED', 'retry'],
    ['CREATE_FAILED', 'needs_attention'],
    ['RELEASE_RESOURCE_FAILED', 'needs_attention'],
    ['START_JOB_FAILED', 'needs_attention'],
    ['CHANGE_JOB_FAILED', 'needs_attention'],
    ['CHILD_TRANSFER_FAILED', 'needs_attention'],
    ['INCRE_TRANSFER_STARTED', 'skipped'],
    ['FULL_TRANSFER_COMPLETE', 'skipped'],
    ['PAUSING', 'skipped'],
    ['CONFIGURATION', 'skipped'],
    ['RELEASE_RESOURCE_COMPLETE', 'skipped'],
    ['SOMETHING_NEW_FAILED', 'skipped'],
  ])('%s → %s', (status, expected) => {
    const decision = classifyTask(task(status), RETRY);
    expect(decision.action === 'retry' ? 'retry' : decision.outcome.outcome).toBe(expected);
  });

  it('never retries CREATE_FAILED or RELEASE_RESOURCE_FAILED, even when configured', () => {
    const all = new Set(['CREATE_FAILED', 'RELEASE_RESOURCE_FAILED', 'FULL_TRANSFER_FAILED']);
    expect(classifyTask(task('CREATE_FAILED'), all)).toMatchObject({ action: 'settle', outcome: { outcome: 'needs_attention' } });
    expect(classifyTask(task('RELEASE_RESOURCE_FAILED'), all)).toMatchObject({ action: 'settle', outcome: { outcome: 'needs_attention' } });
  });

  it('never retries a failed dual-active parent', () => {
    const decision = classifyTask(task('INCRE_TRANSFER_FAILED', { isDualActiveParent: true }), RETRY);
    expect(decision).toMatchObject({ action: 'settle', outcome: { outcome: 'needs_attention', status: 'INCRE_TRANSFER_FAILED' } });
    expect(decision.action === 'settle' && decision.outcome.reason).toMatch(/dual-active parent/);
  });

  it('skips a healthy dual-active parent', () => {
    expect(classifyTask(task('INCRE_TRANSFER_STARTED', { isDualActiveParent: true }), RETRY)).toMatchObject({
      outcome: { outcome: 'skipped' },
    });
  });

  it('reports unknown statuses as such, never as failed', () => {
    const decision = classifyTask(task('INCRE_TRANSFER_FAILED_V2'), new Set(['INCRE_TRANSFER_FAILED']));
    expect(decision).toMatchObject({ action: 'settle', outcome: { outcome: 'skipped', status: 'INCRE_TRANSFER_FAILED_V2' } });
    expect(decision.action === 'settle' && decision.outcome.reason).toMatch(/unknown DRS status/);
  });

  it.each([
    [undefined, undefined],
    [task(undefined, { errorCode: 'DRS.M05003', errorMessage: 'Task information not found.' }), 'DRS.M05003'],
    [task('INCRE_TRANSFER_FAILED', { errorCode: 'DRS.M05004' }), 'DRS.M05004'],
  ])('unknown or deleted tasks are not_found (%#)', (observed, code) => {
    expect(classifyTask(observed, RETRY)).toMatchObject({ action: 'settle', outcome: { outcome: 'not_found', ...(code ? { errorCode: code } : {}) } });
  });
});

describe('planRetries', () => {
  const observed = new Map<string, ObservedTask>(
    ['a', 'b', 'c', 'd', 'e'].map((id) => [id, { id, status: 'INCRE_TRANSFER_FAILED', isDualActiveParent: false }]),
  );
  observed.set('x', { id: 'x', status: 'CHILD_TRANSFER_FAILED', isDualActiveParent: false });
  observed.set('h', { id: 'h', status: 'INCRE_TRANSFER_STARTED', isDualActiveParent: false });

  it('dedups, keeps first-seen order, and cuts chunks of batchSize', () => {
    const plan = planRetries({ jobIds: ['a', 'b', 'a', 'c', 'h', 'd', 'e'], observed, unread: new Map(), retryStatuses: RETRY, batchSize: 2, reEditAll: false });
    expect(plan.chunks.map((c) => c.map((j) => j.jobId))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(plan.settled).toEqual([expect.objectContaining({ jobId: 'h', outcome: 'skipped' })]);
  });

  it('defers ids whose status could not be read', () => {
    const plan = planRetries({ jobIds: ['a', 'b'], observed, unread: new Map([['b', 'status could not be read: timeout']]), retryStatuses: RETRY, batchSize: 10, reEditAll: false });
    expect(plan.settled).toEqual([{ jobId: 'b', outcome: 'deferred', reason: 'status could not be read: timeout' }]);
    expect(plan.chunks.flat().map((j) => j.jobId)).toEqual(['a']);
  });

  it('sends is_sync_re_edit only for CHILD_TRANSFER_FAILED, or for all with DRS_RE_EDIT', () => {
    const retry = new Set([...RETRY, 'CHILD_TRANSFER_FAILED']);
    const plain = planRetries({ jobIds: ['a', 'x'], observed, unread: new Map(), retryStatuses: retry, batchSize: 10, reEditAll: false });
    expect(plain.chunks.flat().map((j) => [j.jobId, j.reEdit])).toEqual([['a', false], ['x', true]]);
    const all = planRetries({ jobIds: ['a', 'x'], observed, unread: new Map(), retryStatuses: retry, batchSize: 10, reEditAll: true });
    expect(all.chunks.flat().every((j) => j.reEdit)).toBe(true);
  });

  it('rejects a batch size that is not a positive whole number', () => {
    expect(() => planRetries({ jobIds: [], observed, unread: new Map(), retryStatuses: RETRY, batchSize: 0, reEditAll: false })).toThrow(
      /Expected `batchSize` to be a whole number from 1 and up/,
    );
  });

  it('plans 100,000 jobs in linear time', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `job-${i}`);
    const many = new Map(ids.map((id) => [id, { id, status: 'FULL_TRANSFER_FAILED', isDualActiveParent: false }]));
    const started = performance.now();
    const plan = planRetries({ jobIds: ids, observed: many, unread: new Map(), retryStatuses: RETRY, batchSize: 100, reEditAll: false });
    expect(plan.chunks).toHaveLength(1_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('outcomeOfRetryAnswer', () => {
  const job = { jobId: 'a', status: 'INCRE_TRANSFER_FAILED', reEdit: false };
  it.each([
    [{ id: 'a', status: 'success' }, 'retried'],
    [{ id: 'a', status: 'failed', errorCode: 'DRS.M01504' }, 'deferred'],
    [{ id: 'a', status: 'failed', errorCode: 'DRS.M01503' }, 'deferred'],
    [{ id: 'a', status: 'failed', errorCode: 'DRS.M00304' }, 'skipped'],
    [{ id: 'a', status: 'failed', errorCode: 'DRS.M00307' }, 'needs_attention'],
    [{ id: 'a', status: 'failed', errorCode: 'DRS.M05003' }, 'not_found'],
    [{ id: 'a', status: 'failed', errorCode: 'DRS.M05004' }, 'not_found'],
    [{ id: 'a', status: 'failed', errorCode: 'DRS.M00004', errorMessage: 'Service is abnormal.' }, 'retry_failed'],
    [undefined, 'deferred'],
  ] as Array<[TaskItem | undefined, string]>)('%j → %s', (answer, outcome) => {
    const result = outcomeOfRetryAnswer(job, answer);
    expect(result).toMatchObject({ jobId: 'a', outcome, status: 'INCRE_TRANSFER_FAILED' });
    if (answer?.errorCode) expect(result.errorCode).toBe(answer.errorCode);
  });

  it('says "already resumed" when another run won the race', () => {
    expect(outcomeOfRetryAnswer(job, { id: 'a', status: 'failed', errorCode: 'DRS.M00304' }).reason).toMatch(/already resumed/);
  });
});

describe('buildReport', () => {
  const base = { runId: 'r', trigger: 'manual' as const, dryRun: false, region: 'eu-de', projectId: 'p', startedAt: 0, finishedAt: 1500 };

  it('lists every requested job once, in order, and the summary adds up', () => {
    const report = buildReport({
      ...base,
      requestedIds: ['a', 'b', 'c', 'a'],
      outcomes: [
        { jobId: 'c', outcome: 'skipped', status: 'INCRE_TRANSFER_STARTED' },
        { jobId: 'a', outcome: 'retried' },
        { jobId: 'b', outcome: 'needs_attention' },
      ],
    });
    expect(report.jobs.map((j) => j.jobId)).toEqual(['a', 'b', 'c']);
    expect(report.summary).toEqual({ requested: 3, retried: 1, retry_failed: 0, would_retry: 0, skipped: 1, needs_attention: 1, not_found: 0, deferred: 0 });
    expect(report).toMatchObject({ schemaVersion: 1, durationMs: 1500, startedAt: '1970-01-01T00:00:00.000Z', notifications: [] });
    expect(report.error).toBeUndefined();
    expect(reportInvariantProblems(report)).toEqual([]);
    expect(exitCodeOf(report)).toBe(1);
  });

  it('repairs a lost or doubled job loudly instead of dropping it', () => {
    const report = buildReport({ ...base, requestedIds: ['a', 'b'], outcomes: [{ jobId: 'a', outcome: 'retried' }, { jobId: 'a', outcome: 'retry_failed' }] });
    expect(report.jobs).toEqual([{ jobId: 'a', outcome: 'retried' }, expect.objectContaining({ jobId: 'b', outcome: 'deferred' })]);
    expect(report.error?.code).toBe('INTERNAL_INVARIANT');
    expect(reportInvariantProblems(report)).toEqual([]);
  });

  it.each([
    [[{ jobId: 'a', outcome: 'retried' as const }, { jobId: 'b', outcome: 'skipped' as const }], undefined, 0, false],
    [[{ jobId: 'a', outcome: 'would_retry' as const }], undefined, 0, false],
    [[{ jobId: 'a', outcome: 'deferred' as const }], undefined, 1, true],
    [[{ jobId: 'a', outcome: 'not_found' as const }], undefined, 1, true],
    [[{ jobId: 'a', outcome: 'deferred' as const }], { code: 'AUTH_FAILED', message: 'no' }, 3, true],
  ])('exit code and problems for %j', (outcomes, error, code, problems) => {
    const report = buildReport({ ...base, requestedIds: outcomes.map((o) => o.jobId), outcomes, ...(error ? { error } : {}) });
    expect(exitCodeOf(report)).toBe(code);
    expect(hasProblems(report)).toBe(problems);
  });
});

describe('clip', () => {
  it('keeps text that fits, and cuts longer text to max characters ending in …', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcd', 3)).toBe('ab…');
  });

  it('counts code points, so a character outside the BMP is never split', () => {
    expect(clip('😀😀😀😀', 3)).toBe('😀😀…');
    expect(clip('a😀😀', 2)).toBe('a…');
  });
});

describe('chunksOf', () => {
  it('cuts a list into pieces of size, in order, the last one shorter', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 3)).toEqual([]);
  });

  it('refuses a size that would never end', () => {
    expect(() => chunksOf([1], 0)).toThrow(/from 1 and up/);
  });
});
