import type { LeaseResult, RetryLedger, SinkToldRecord } from '../engine/ports.js';
import type { JobRecord } from '../core/retryBudget.js';

/**
 * The default ledger: budgets, leases and what the sinks were told live in this process only. A
 * Lambda container may keep it for a while, but nothing is promised across invocations — exactly
 * the stateless behaviour of a run without DRS_LEDGER_TABLE or DRS_LEDGER_URL. So it says it is
 * not `persistent`, and NOTIFY_ON=changes acts as `problems` with it: a memory that holds only
 * while a container stays warm would make "told once" hold by chance.
 */
export class MemoryLedger implements RetryLedger {
  readonly persistent = false;
  private readonly jobs = new Map<string, JobRecord>();
  private readonly leases = new Map<string, { runId: string; expiresAt: number }>();
  private readonly told = new Map<string, SinkToldRecord[]>();

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

  async readTold(projectId: string, jobIds: readonly string[]): Promise<SinkToldRecord[]> {
    return [...new Set(jobIds)].flatMap((jobId) => (this.told.get(`${projectId}#${jobId}`) ?? []).map((record) => ({ ...record })));
  }

  async writeTold(projectId: string, byJob: ReadonlyMap<string, readonly SinkToldRecord[]>): Promise<void> {
    for (const [jobId, records] of byJob) {
      const bySink = new Map(records.map((record) => [record.sink, { ...record, jobId }]));
      if (bySink.size === 0) this.told.delete(`${projectId}#${jobId}`);
      else this.told.set(`${projectId}#${jobId}`, [...bySink.values()]);
    }
  }
}
