import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportInvariantProblems, type Report } from '../lib/core/report.js';
import { NEVER_RETRY_STATUSES } from '../lib/core/taskStatuses.js';
import { startEmulator, type Emulator, type FaultKind, type FaultRoute } from './emulator/index.js';
import { runAgainst } from './support/runAgainst.js';

/** Draws per property: CI-friendly by default, `PROPERTY_RUNS=500 npm test` for a long hunt. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 30);
const TIMEOUT_MS = 400;

const KNOWN_STATUSES = [
  'FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED', 'CHILD_TRANSFER_FAILED', 'CREATE_FAILED', 'RELEASE_RESOURCE_FAILED',
  'START_JOB_FAILED', 'CHANGE_JOB_FAILED', 'INCRE_TRANSFER_STARTED', 'FULL_TRANSFER_COMPLETE', 'CONFIGURATION',
  'PAUSING', 'CHILD_TRANSFER_STARTED', 'RELEASE_RESOURCE_COMPLETE',
];
const statusArb = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN_STATUSES) },
  { weight: 1, arbitrary: fc.constantFrom('INCRE_TRANSFER_FAILED_V2', 'FAILED', 'MAINTENANCE') },
);

interface DrawnTask {
  status: string;
  busy: number;
  /** Becomes a dual-active parent with this many children. */
  children: readonly string[];
}

const taskArb: fc.Arbitrary<DrawnTask> = fc.record({
  status: statusArb,
  busy: fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }) }),
  children: fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(statusArb, { minLength: 1, maxLength: 2 }) }),
});

const faultArb = fc.record({
  route: fc.constantFrom<FaultRoute>('token', 'batch-detail', 'list', 'batch-retry'),
  kind: fc.constantFrom<FaultKind>('throttle', 'rate-limit', 'server-error', 'reset', 'malformed-json', 'html', 'truncated', 'latency', 'hang'),
  times: fc.integer({ min: 1, max: 5 }),
});

const drawArb = fc.record({
  tasks: fc.array(taskArb, { maxLength: 25 }),
  unknownIds: fc.integer({ min: 0, max: 3 }),
  duplicates: fc.boolean(),
  discover: fc.boolean(),
  faults: fc.array(faultArb, { maxLength: 4 }),
  batchSize: fc.integer({ min: 1, max: 12 }),
  concurrency: fc.integer({ min: 1, max: 6 }),
  deadlineMs: fc.option(fc.integer({ min: 1_000, max: 3_000 }), { nil: undefined }),
  retryChild: fc.boolean(),
  /** DRS accepts this many requests a second (the emulator's sliding window), or any number. */
  rateLimit: fc.constant<number | undefined>(undefined),
});
type Draw = typeof drawArb extends fc.Arbitrary<infer T> ? T : never;

/** A DRS that throttles at a random rate, on top of the random faults, and no deadline. */
const rateLimitedArb: fc.Arbitrary<Draw> = drawArb.chain((draw) =>
  fc.integer({ min: 4, max: 30 }).map((rateLimit) => ({ ...draw, rateLimit, deadlineMs: undefined })),
);

const jobId = (n: number) => `${n.toString(16).padStart(8, '0')}-abcd-4ef0-8123-456789abcjb101`;

interface Outcome {
  report: Report;
  emulator: Emulator;
  requested: string[];
  elapsedMs: number;
  retryStatuses: Set<string>;
  /** Ids that must never be sent: must-not-retry statuses and dual-active parents. */
  forbidden: Set<string>;
}

async function runDraw(draw: Draw): Promise<Outcome> {
  const emulator = await startEmulator({ rateLimit: draw.rateLimit });
  const requested: string[] = [];
  const forbidden = new Set<string>();
  let n = 0;
  for (const task of draw.tasks) {
    const id = jobId(n++);
    const parent = task.children.length > 0;
    emulator.addTask({ id, status: task.status, busy: task.busy, multiWrite: parent, dbUseType: parent ? 'cloudDataGuard' : 'migration' });
    requested.push(id);
    if (parent || NEVER_RETRY_STATUSES.has(task.status)) forbidden.add(id);
    for (const status of task.children) {
      const child = jobId(n++);
      emulator.addTask({ id: child, status, multiWrite: true, parentId: id, masterJobId: id, dbUseType: 'cloudDataGuard' });
      requested.push(child);
      if (NEVER_RETRY_STATUSES.has(status)) forbidden.add(child);
    }
  }
  for (let i = 0; i < draw.unknownIds; i++) requested.push(jobId(100_000 + i));
  if (draw.duplicates && requested.length > 0) requested.push(requested[0] ?? '');
  for (const fault of draw.faults) {
    // A hang needs a deadline or the request timeout to end it; both are set.
    emulator.faults.add({ ...fault, ms: 30, retryAfterSeconds: 0 });
  }
  const retryStatuses = new Set(['FULL_TRANSFER_FAILED', 'INCRE_TRANSFER_FAILED', ...(draw.retryChild ? ['CHILD_TRANSFER_FAILED'] : [])]);
  const started = Date.now();
  const report = await runAgainst(emulator, {
    env: {
      DRS_TIMEOUT_MS: String(TIMEOUT_MS),
      DRS_RETRY_STATUSES: [...retryStatuses].join(','),
      ...(draw.deadlineMs ? { DRS_DEADLINE_MS: String(draw.deadlineMs) } : {}),
    },
    event: { jobIds: requested, discover: draw.discover, batchSize: draw.batchSize, concurrency: draw.concurrency },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
  return { report, emulator, requested, elapsedMs: Date.now() - started, retryStatuses, forbidden };
}

/** Runs one property over fresh projects, closing every emulator. */
function property(name: string, check: (outcome: Outcome, draw: Draw) => void, arb: fc.Arbitrary<Draw> = drawArb, runs = RUNS) {
  it(`${name} (${runs} draws)`, async () => {
    await fc.assert(
      fc.asyncProperty(arb, async (draw) => {
        const outcome = await runDraw(draw);
        try {
          check(outcome, draw);
        } finally {
          await outcome.emulator.close();
        }
      }),
      { numRuns: runs },
    );
  }, 600_000);
}

/**
 * Peak requests in flight as the client sees them. The emulator notices a client's abort of a
 * hung request only when the socket's close reaches it, which can come after the client's next
 * attempt has arrived on a new socket. The client never holds a request past its timeout, so an
 * unanswered request counts until at most its arrival plus the timeout (never earlier than the
 * client really let go, since it arrived after the client sent it).
 */
function clientPeakInFlight(emulator: Emulator): number {
  const events: Array<[number, number]> = [];
  for (const entry of emulator.log.entries) {
    const finished = entry.finishedAt ?? Number.POSITIVE_INFINITY;
    const end = entry.status === 0 ? Math.min(finished, entry.startedAt + TIMEOUT_MS) : finished;
    events.push([entry.startedAt, 1], [end, -1]);
  }
  // Ends before starts at the same millisecond: a slot freed and refilled is not two in flight.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let peak = 0;
  for (const [, delta] of events) {
    live += delta;
    peak = Math.max(peak, live);
  }
  return peak;
}

describe('properties of a run, over random projects, faults and limits', () => {
  property('each requested id appears exactly once and the summary adds up', ({ report, requested }, draw) => {
    expect(reportInvariantProblems(report)).toEqual([]);
    const ids = report.jobs.map((j) => j.jobId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of requested) expect(ids).toContain(id);
    if (!draw.discover) expect(ids.length).toBe(new Set(requested).size);
  });

  property('no task is resumed twice in one run', ({ emulator }) => {
    for (const task of emulator.tasks()) expect(task.retries.length).toBeLessThanOrEqual(1);
  });

  property('no must-not-retry task and no dual-active parent is ever sent', ({ emulator, forbidden }) => {
    for (const id of emulator.log.retriedJobIds()) expect(forbidden.has(id)).toBe(false);
  });

  property('retried ⊆ the retryable set', ({ report, retryStatuses }) => {
    for (const job of report.jobs.filter((j) => j.outcome === 'retried')) expect(retryStatuses.has(job.status ?? '')).toBe(true);
  });

  property('requests in flight never exceed the concurrency, and every batch is within the size', ({ emulator }, draw) => {
    expect(clientPeakInFlight(emulator)).toBeLessThanOrEqual(draw.concurrency);
    for (const batch of emulator.log.retryBatches()) expect(batch.length).toBeLessThanOrEqual(draw.batchSize);
  });

  property('the run ends within its deadline plus one request timeout', ({ elapsedMs }, draw) => {
    // Slack for process scheduling on a busy 2-core machine.
    if (draw.deadlineMs) expect(elapsedMs).toBeLessThanOrEqual(draw.deadlineMs + TIMEOUT_MS + 500);
  });

  property(
    'with a random DRS rate limit and no deadline: no job deferred by throttling, at most C in flight, none resumed twice',
    ({ report, emulator }, draw) => {
      expect(reportInvariantProblems(report)).toEqual([]);
      // A run that failed as a whole (e.g. IAM, which has no adaptive rate, refused the token) is
      // not throttling's doing; otherwise throttling alone never leaves a job deferred.
      if (report.error === undefined) {
        const throttledAway = report.jobs.filter((j) => j.outcome === 'deferred' && /DRS\.M01503|APIG\.0308/.test(j.reason ?? ''));
        expect(throttledAway).toEqual([]);
      }
      expect(clientPeakInFlight(emulator)).toBeLessThanOrEqual(draw.concurrency);
      for (const task of emulator.tasks()) expect(task.retries.length).toBeLessThanOrEqual(1);
    },
    rateLimitedArb,
    Math.max(1, Math.ceil(RUNS / 2)),
  );
});
