import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CAUSE_RULES, UNKNOWN_CAUSE } from '../lib/core/failureCauses.js';
import type { JobOutcome } from '../lib/core/outcomes.js';
import { MemoryLedger } from '../lib/ledger/memoryLedger.js';
import { DEFAULT_PROJECT, startEmulator, type Emulator } from './emulator/index.js';
import { DB_PASSWORD_IN_FAILURE_TEXT, FAILURE_CAUSE_JOBS, failureCauseJobId, seedFailureCauses } from './emulator/failureCauses.js';
import { runAgainst } from './support/runAgainst.js';

/**
 * The failure causes through the engine (README "Why did it fail?"), in-process against the
 * emulator over real HTTP: DRS's texts are read (batch-detail's failed_reason, the list's
 * error_msg), status first then the cause, and a cause that needs a person is never sent.
 */
let emulator: Emulator;
const cause = failureCauseJobId;
const ALL = () => FAILURE_CAUSE_JOBS.map((job) => job.id);
const ruleOf = (id: string) => DEFAULT_CAUSE_RULES.find((rule) => rule.id === id);
const jobOf = (jobs: readonly JobOutcome[], id: string) => jobs.find((job) => job.jobId === id);

beforeEach(async () => {
  emulator = await startEmulator();
  seedFailureCauses(emulator);
});
afterEach(() => emulator.close());

describe('a run over tasks failed for documented causes', () => {
  it('never sends a cause that needs a person, and retries the others as their status allows', async () => {
    // Act
    const report = await runAgainst(emulator, { event: { jobIds: ALL() } });

    // Assess
    const sent = emulator.log.retriedJobIds();
    for (const job of FAILURE_CAUSE_JOBS) {
      const outcome = jobOf(report.jobs, job.id);
      expect(outcome?.cause?.id, job.key).toBe(job.cause);
      if (job.decision === 'person') {
        expect(sent, job.key).not.toContain(job.id);
        expect(outcome, job.key).toMatchObject({ outcome: 'needs_attention', status: job.status, cause: { retry: false, hint: ruleOf(job.cause)?.hint } });
        expect(outcome?.reason).toMatch(new RegExp(`failure cause ${job.cause} needs a person`));
      } else {
        expect(sent, job.key).toContain(job.id);
        expect(outcome, job.key).toMatchObject({ outcome: 'retried', cause: { retry: true } });
      }
    }
    expect(jobOf(report.jobs, cause('unknownCause'))?.cause).toEqual(UNKNOWN_CAUSE);
    expect(report.summary).toMatchObject({ retried: 6, needs_attention: 6 });
  });

  it('reports DRS text as failureReason, one line, with the database password masked', async () => {
    // Act
    const report = await runAgainst(emulator, { event: { jobIds: ALL() } });

    // Assess
    for (const job of FAILURE_CAUSE_JOBS) expect(jobOf(report.jobs, job.id)?.failureReason, job.key).toMatch(/^service LOGMANAGER failed, cause by: /);
    const withPassword = jobOf(report.jobs, cause('unreachableWithPassword'));
    expect(withPassword?.failureReason).toContain('password=***');
    expect(withPassword?.failureReason).toContain('jdbc:mysql://172.22.74.56:3306');
    expect(JSON.stringify(report)).not.toContain(DB_PASSWORD_IN_FAILURE_TEXT);
    expect(jobOf(report.jobs, cause('duplicateKey'))?.failureReason).toBe("service LOGMANAGER failed, cause by: Duplicate entry '1042' for key 'order_items.PRIMARY'");
  });

  it("masks a password in DRS's error_message too, where the status settles the job", async () => {
    // Prepare: the status alone decides (never retried), and the text with the password is still there.
    emulator.setStatus(cause('unreachableWithPassword'), 'CREATE_FAILED');

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [cause('unreachableWithPassword')] } });

    // Assess
    const [job] = report.jobs;
    expect(job).toMatchObject({ outcome: 'needs_attention', cause: { id: 'dbms-unreachable' } });
    expect(job?.errorMessage).toContain('password=***');
    expect(job?.failureReason).toContain('password=***');
    expect(JSON.stringify(report)).not.toContain(DB_PASSWORD_IN_FAILURE_TEXT);
  });

  it('spends no retry budget on a cause that needs a person', async () => {
    // Prepare
    const ledger = new MemoryLedger();
    const env = { DRS_MAX_ATTEMPTS: '1' };

    // Act: three runs; the tasks stay failed (the emulator resumes them, so fail them again).
    const reports = [];
    for (let run = 0; run < 3; run++) {
      reports.push(await runAgainst(emulator, { event: { jobIds: ALL() }, env, deps: { ledger } }));
      for (const job of FAILURE_CAUSE_JOBS) emulator.setStatus(job.id, job.status);
    }

    // Assess
    const records = await ledger.readJobs(DEFAULT_PROJECT.id, ALL());
    for (const job of FAILURE_CAUSE_JOBS.filter((each) => each.decision === 'person')) {
      expect(records.get(job.id), job.key).toBeUndefined();
      for (const report of reports) expect(jobOf(report.jobs, job.id)?.escalated, job.key).toBeUndefined();
    }
    // The retryable ones spend theirs: one attempt, then the budget is spent, with the cause beside it.
    const unreachable = cause('linkFailure');
    expect(records.get(unreachable)?.attempts).toBe(1);
    expect(jobOf(reports[0]?.jobs ?? [], unreachable)).toMatchObject({ outcome: 'retried', cause: { id: 'link-failure' } });
    expect(jobOf(reports[1]?.jobs ?? [], unreachable)).toMatchObject({ outcome: 'needs_attention', escalated: true });
    expect(emulator.log.retriedJobIds().filter((id) => id === unreachable)).toHaveLength(1);
  });

  it('applies the rules in a dry run too, and says which rule matched each task', async () => {
    // Act
    const report = await runAgainst(emulator, { event: { jobIds: ALL(), dryRun: true } });

    // Assess
    expect(emulator.log.retriedJobIds()).toEqual([]);
    expect(jobOf(report.jobs, cause('lockWait'))).toMatchObject({ outcome: 'would_retry', cause: { id: 'lock-wait', retry: true } });
    expect(jobOf(report.jobs, cause('diskFull'))).toMatchObject({ outcome: 'needs_attention', cause: { id: 'disk-full', retry: false } });
    expect(jobOf(report.jobs, cause('unknownCause'))).toMatchObject({ outcome: 'would_retry', cause: { id: 'unknown', retry: true } });
  });

  it('lets the status decide first: a cause never makes a task retryable that its status is not', async () => {
    // Prepare: a retryable cause on a status that must never be retried, and one on a running task.
    emulator.setStatus(cause('lockWait'), 'CREATE_FAILED');
    emulator.setStatus(cause('linkFailure'), 'INCRE_TRANSFER_STARTED');

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [cause('lockWait'), cause('linkFailure')] } });

    // Assess
    expect(emulator.log.retriedJobIds()).toEqual([]);
    expect(jobOf(report.jobs, cause('lockWait'))).toMatchObject({ outcome: 'needs_attention', cause: { id: 'lock-wait' } });
    // A running task's old text says nothing about now: no cause, no failureReason.
    const running = jobOf(report.jobs, cause('linkFailure'));
    expect(running).toMatchObject({ outcome: 'skipped' });
    expect(running?.cause).toBeUndefined();
    expect(running?.failureReason).toBeUndefined();
  });
});

/**
 * A real HTTP server in front of the emulator that rewrites its answers: DRS leaves a field out,
 * or says another text in one place than in the other.
 */
async function rewritingProxy(target: string, rewrite: (path: string, body: Record<string, unknown>) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const forward = httpRequest(`${target}${req.url ?? ''}`, { method: req.method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => parts.push(chunk));
        answer.on('end', () => {
          let text = Buffer.concat(parts).toString('utf8');
          if ((answer.headers['content-type'] ?? '').includes('json') && text !== '') {
            const body = JSON.parse(text) as Record<string, unknown>;
            rewrite(req.url ?? '', body);
            text = JSON.stringify(body);
          }
          const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(text);
        });
      });
      forward.on('error', () => res.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('where the text comes from', () => {
  let proxy: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve())));

  const detailItems = (body: Record<string, unknown>) => (Array.isArray(body.results) ? (body.results as Array<Record<string, unknown>>) : []);
  const listItems = (body: Record<string, unknown>) => (Array.isArray(body.jobs) ? (body.jobs as Array<Record<string, unknown>>) : []);

  it("takes the list's error_msg when batch-detail gives no failed_reason (discovery)", async () => {
    // Prepare: batch-detail without its text fields.
    const started = await rewritingProxy(emulator.url, (path, body) => {
      if (!path.endsWith('/jobs/batch-detail')) return;
      for (const item of detailItems(body)) {
        delete item.failed_reason;
        delete item.error_message;
      }
    });
    proxy = started.server;

    // Act
    const report = await runAgainst(emulator, { event: { discover: true }, env: { DRS_ENDPOINT: started.url } });

    // Assess
    expect(jobOf(report.jobs, cause('duplicateKey'))).toMatchObject({ outcome: 'needs_attention', cause: { id: 'duplicate-key' } });
    expect(jobOf(report.jobs, cause('duplicateKey'))?.failureReason).toMatch(/Duplicate entry/);
    expect(emulator.log.retriedJobIds()).not.toContain(cause('duplicateKey'));
  });

  it("prefers batch-detail's failed_reason, read right before the retry, to the list's error_msg", async () => {
    // Prepare: the list still says duplicate key; batch-detail, read later, says the link dropped.
    const healed = 'service LOGMANAGER failed, cause by: Communications link failure';
    const started = await rewritingProxy(emulator.url, (path, body) => {
      if (!path.endsWith('/jobs/batch-detail')) return;
      for (const item of detailItems(body)) if (item.id === cause('duplicateKey')) item.failed_reason = healed;
    });
    proxy = started.server;

    // Act
    const report = await runAgainst(emulator, { event: { discover: true }, env: { DRS_ENDPOINT: started.url } });

    // Assess
    expect(jobOf(report.jobs, cause('duplicateKey'))).toMatchObject({ outcome: 'retried', failureReason: healed, cause: { id: 'link-failure' } });
  });

  it("falls back to batch-detail's error_message when failed_reason is empty", async () => {
    // Prepare
    const started = await rewritingProxy(emulator.url, (path, body) => {
      for (const item of detailItems(body)) item.failed_reason = '';
    });
    proxy = started.server;

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [cause('duplicateKey')] }, env: { DRS_ENDPOINT: started.url } });

    // Assess
    expect(jobOf(report.jobs, cause('duplicateKey'))).toMatchObject({ outcome: 'needs_attention', cause: { id: 'duplicate-key' } });
    expect(emulator.log.retriedJobIds()).toEqual([]);
  });

  it('says unknown, and retries as the status allows, when DRS gives no text at all', async () => {
    // Prepare
    const started = await rewritingProxy(emulator.url, (path, body) => {
      for (const item of [...detailItems(body), ...listItems(body)]) {
        delete item.failed_reason;
        delete item.error_message;
        delete item.error_msg;
      }
    });
    proxy = started.server;

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: [cause('duplicateKey')] }, env: { DRS_ENDPOINT: started.url } });

    // Assess
    const job = jobOf(report.jobs, cause('duplicateKey'));
    expect(job).toMatchObject({ outcome: 'retried', cause: UNKNOWN_CAUSE });
    expect(job?.failureReason).toBeUndefined();
  });
});
