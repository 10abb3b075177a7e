import { describe, expect, it } from 'vitest';
import type { PlannedJob } from '../lib/core/plan.js';
import type { TaskItem } from '../lib/core/outcomes.js';
import { ApiError, AuthError, DeadlineExceededError } from '../lib/errors.js';
import { retryBatch } from '../lib/engine/retryBatch.js';
import type { RetryPort } from '../lib/engine/ports.js';

const job = (jobId: string): PlannedJob => ({ jobId, status: 'INCRE_TRANSFER_FAILED', reEdit: false });

/** A fake DRS that rejects any request containing a poisoned id with a 400 without results. */
function fakeDrs(poisoned: Set<string>, calls: string[][]): RetryPort {
  return {
    async batchRetry(items) {
      const ids = items.map((i) => i.jobId);
      calls.push(ids);
      if (ids.some((i) => poisoned.has(i))) {
        throw new ApiError('DRS batch-retry-task failed: HTTP 400 DRS.M00202', { operation: 'DRS batch-retry-task', status: 400, apiCode: 'DRS.M00202', apiMessage: 'The value of parameter job_id is invalid.' });
      }
      return ids.map((id): TaskItem => ({ id, status: 'success' }));
    },
  };
}

describe('retryBatch', () => {
  it('splits a whole-request 400 without results so one bad id does not sink the rest', async () => {
    // Prepare
    const calls: string[][] = [];
    const chunk = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(job);

    // Act
    const result = await retryBatch(chunk, fakeDrs(new Set(['f']), calls));

    // Assess
    const byId = Object.fromEntries(result.outcomes.map((o) => [o.jobId, o]));
    expect(Object.keys(byId).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(byId.f).toMatchObject({ outcome: 'retry_failed', errorCode: 'DRS.M00202' });
    for (const id of ['a', 'b', 'c', 'd', 'e', 'g', 'h']) expect(byId[id]?.outcome).toBe('retried');
    expect(calls.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(8)));
    // every id that was accepted was sent in exactly one successful request
    const accepted = calls.filter((ids) => !ids.includes('f')).flat();
    expect(accepted.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'g', 'h']);
  });

  it('defers a chunk the deadline stopped, and flags authentication as a run failure', async () => {
    // Prepare
    let call = 0;
    const port: RetryPort = {
      async batchRetry() {
        call++;
        if (call === 1) throw DeadlineExceededError.before('DRS batch-retry-task');
        throw new AuthError('IAM refused the password login', { status: 401 });
      },
    };

    // Act
    const first = await retryBatch([job('a')], port);
    const second = await retryBatch([job('b')], port);

    // Assess
    expect([...first.outcomes, ...second.outcomes].map((o) => [o.jobId, o.outcome])).toEqual([['a', 'deferred'], ['b', 'deferred']]);
    expect(first.outcomes[0]?.reason).toMatch(/time budget/);
    expect(first.runError).toBeUndefined();
    expect(second.runError?.message).toMatch(/IAM refused/);
  });

  it('defers jobs DRS gave no answer for', async () => {
    const port: RetryPort = { batchRetry: async () => [{ id: 'a', status: 'success' }] };
    const result = await retryBatch([job('a'), job('b')], port);
    expect(result.outcomes.map((o) => o.outcome)).toEqual(['retried', 'deferred']);
  });
});
