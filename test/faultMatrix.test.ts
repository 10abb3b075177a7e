import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../lib/core/report.js';
import { demoJobId, demoTopicUrn } from './emulator/demoProject.js';
import { type FaultKind, type FaultRoute } from './emulator/index.js';
import { leakedSecrets, secretsInPlay } from './support/emulatorEnv.js';
import { runAgainst } from './support/runAgainst.js';
import { emulator, useDemoEmulator } from './support/demoEmulator.js';

/**
 * Every fault kind in every DRS/IAM phase, persisting beyond the retry budget, with its
 * expected outcome. The attempt count stays bounded everywhere and nothing hangs.
 */
type Fault = FaultKind | 'token-expiry';
type Phase = 'token' | 'status read' | 'listing' | 'retry';
type Expected = 'retried' | 'deferred, run ok' | 'deferred, run failed' | 'retried, discovery failed';

const FAULTS: Fault[] = ['latency', 'throttle', 'rate-limit', 'server-error', 'reset', 'hang', 'token-expiry', 'malformed-json', 'html', 'truncated'];
const ROUTE: Record<Phase, FaultRoute> = { token: 'token', 'status read': 'batch-detail', listing: 'list', retry: 'batch-retry' };
const MAX_ATTEMPTS = 4;
const TIMEOUT_MS = 300;

function expected(fault: Fault, phase: Phase): Expected {
  if (fault === 'latency') return 'retried';
  // A credential that IAM keeps issuing and DRS keeps refusing fails the run in every phase.
  if (fault === 'token-expiry') return 'deferred, run failed';
  switch (phase) {
    case 'token':
    case 'status read':
      return 'deferred, run failed';
    case 'listing':
      return 'retried, discovery failed';
    case 'retry':
      return 'deferred, run ok';
  }
}

const FAILED_JOB = demoJobId('fullTransferFailed');

useDemoEmulator();

const cells = FAULTS.flatMap((fault) => (['token', 'status read', 'listing', 'retry'] as Phase[]).map((phase) => [fault, phase, expected(fault, phase)] as const));

describe('fault matrix: a persistent fault in the SMN sink', () => {
  it.each(FAULTS)('%s while publishing → the sink reports it, the run is unchanged', async (fault) => {
    // Prepare
    // Token expiry: every token dies when the publish arrives, the refreshed one too.
    if (fault === 'token-expiry') emulator.faults.add({ route: 'smn', kind: 'expire-tokens', times: Infinity });
    else emulator.faults.add({ route: 'smn', kind: fault, times: fault === 'latency' ? 1 : Infinity, ms: 100, retryAfterSeconds: 0 });

    // Act
    const report = await runAgainst(emulator, {
      env: { NOTIFY_ON: 'always', NOTIFY_SMN_TOPIC_URN: demoTopicUrn(), DRS_TIMEOUT_MS: String(TIMEOUT_MS) },
      event: { jobIds: [FAILED_JOB] },
      retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 2, maxDelayMs: 10 },
      withSinks: true,
    });

    // Assess
    expect(report.jobs[0]?.outcome).toBe('retried');
    expect(report.error).toBeUndefined();
    expect(exitCodeOf(report)).toBe(0);
    expect(report.notifications).toEqual([fault === 'latency' ? { sink: 'smn', ok: true } : { sink: 'smn', ok: false, error: expect.any(String) }]);
    expect(emulator.log.byRoute('smn').length).toBeLessThanOrEqual(2 * MAX_ATTEMPTS);
  });
});

describe('fault matrix: a persistent fault in each phase', () => {
  it.each(cells)('%s during %s → %s', async (fault, phase, outcome) => {
    // Prepare
    const route = ROUTE[phase];
    if (fault === 'token-expiry') {
      // From the phase's first request on, every token dies on use, the refreshed one too.
      emulator.faults.add({ route, kind: 'expire-tokens', times: Infinity });
    } else {
      emulator.faults.add({ route, kind: fault, times: fault === 'latency' ? 1 : Infinity, ms: 100, retryAfterSeconds: 0 });
    }
    const started = Date.now();

    // Act
    const report = await runAgainst(emulator, {
      env: { DRS_TIMEOUT_MS: String(TIMEOUT_MS) },
      event: { jobIds: [FAILED_JOB], discover: phase === 'listing' },
      // DRS throttling is not bounded by attempts: it ends when DRS accepted nothing for the
      // give-up time (5 minutes; here 400 ms), which a persistent fault reaches.
      retry: { maxAttempts: MAX_ATTEMPTS, baseDelayMs: 2, maxDelayMs: 10, throttleGiveUpAfterMs: 400 },
    });

    // Assess: the outcome
    const job = report.jobs.find((j) => j.jobId === FAILED_JOB);
    if (outcome.startsWith('retried')) expect(job?.outcome).toBe('retried');
    else expect(job?.outcome).toBe('deferred');
    if (outcome.endsWith('run failed') || outcome.endsWith('discovery failed')) {
      expect(report.error).toBeDefined();
      expect(exitCodeOf(report)).toBe(3);
    } else {
      expect(report.error).toBeUndefined();
    }
    // Assess: bounded attempts and no hang
    for (const r of ['token', 'batch-detail', 'batch-retry'] as const) {
      expect(emulator.log.byRoute(r).length).toBeLessThanOrEqual(2 * MAX_ATTEMPTS);
    }
    expect(emulator.log.byRoute('list').length).toBeLessThanOrEqual(3 * MAX_ATTEMPTS);
    // After throttling, the run paces its DRS requests (about one a second while DRS accepts none).
    const pacing = fault === 'throttle' || fault === 'rate-limit' ? 6_000 : 0;
    expect(Date.now() - started).toBeLessThan(3 * MAX_ATTEMPTS * (TIMEOUT_MS + 50) + 2_000 + pacing);
    expect(leakedSecrets([JSON.stringify(report)], secretsInPlay(emulator))).toEqual([]);
  });
});
