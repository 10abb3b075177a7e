import type { LeaseResult, RetryLedger } from '../engine/ports.js';
import type { JobRecord } from '../core/retryBudget.js';

/**
 * The default ledger: budgets and leases live in this process only. A Lambda container may
 * keep it for a while, but nothing is promised across invocations — exactly the stateless
 * behaviour of a run without DRS_LEDGER_TABLE.
 */
export class MemoryLedger implements RetryLedger {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly leases = new Map<string, { runId: string; expiresAt: number }>();

  async readJobs(projectId: string, jobIds: readonly string[]): Promise<Map<string, JobRecord>> {
    const found = new Map<string, JobRecord>();
    for (const jobId of jobIds) {
      const record = this.jobs.get(`${projectId}#${jobId}`);
      if (record) found.set(jobId, { ...record });
    }
    return found;
  }

  async writeJobs(projectId: string, records: readonly JobRecord[]): Promise<void> {
    for (const record of records) this.jobs.set(`${projectId}#${record.jobId}`, { ...record });
  }

  async endEpisodes(projectId: string, jobIds: readonly string[]): Promise<void> {
    for (const jobId of jobIds) this.jobs.delete(`${projectId}#${jobId}`);
  }

  async acquireLease(projectId: string, runId: string, now: number, ttlMs: number): Promise<LeaseResult> {
    const held = this.leases.get(projectId);
    if (held && held.runId !== runId && held.expiresAt > now) return { acquired: false, heldBy: held.runId, heldUntil: held.expiresAt };
    this.leases.set(projectId, { runId, expiresAt: now + ttlMs });
    return { acquired: true };
  }

  async releaseLease(projectId: string, runId: string): Promise<void> {
    if (this.leases.get(projectId)?.runId === runId) this.leases.delete(projectId);
  }
}
