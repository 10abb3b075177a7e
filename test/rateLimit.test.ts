import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../lib/core/report.js';
import { jobIds, retryableCount, seeds } from '../bench/fixtures.js';
import { startEmulator, type Emulator } from './emulator/index.js';
import { issueToken, post } from './emulator/testClient.js';
import { runCli } from './support/cli.js';
import { emulatorEnv } from './support/emulatorEnv.js';
import { runAgainst } from './support/runAgainst.js';

// DRS throttling from the user's side: the emulator's DRS accepts R requests a second (a sliding
// window) and answers the rest 400 DRS.M01503; the run must slow down to that rate, not give up.

const DRS_ROUTES = new Set(['batch-status', 'batch-detail', 'list', 'batch-retry']);
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emulatorWith(options: Parameters<typeof startEmulator>[0]): Promise<Emulator> {
  const emulator = await startEmulator(options);
  cleanups.push(() => emulator.close());
  return emulator;
}

const drsEntries = (emulator: Emulator) => emulator.log.entries.filter((e) => DRS_ROUTES.has(e.route));

describe("the emulator's rate limit", () => {
  it('accepts R DRS requests in any second and answers the rest 400 DRS.M01503; IAM is not limited', async () => {
    // Prepare
    const emulator = await emulatorWith({ rateLimit: 3 });
    const token = await issueToken(emulator);
    const url = `${emulator.url}/v3/${emulator.defaults.project.id}/jobs/batch-status`;
    const status = () => post(url, { jobs: ['a'], page_req: { cur_page: 1, per_page: 10 } }, { 'X-Auth-Token': token });

    // Act
    const first = await Promise.all(Array.from({ length: 5 }, status));
    await issueToken(emulator);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    const later = await status();

    // Assess
    expect(first.map((r) => r.status).sort()).toEqual([200, 200, 200, 400, 400]);
    expect(first.find((r) => r.status === 400)?.body).toEqual({ error_code: 'DRS.M01503', error_msg: 'Operation too frequent. Try again later.' });
    expect(later.status).toBe(200);
    expect(emulator.log.byRoute('token').every((e) => e.status === 201)).toBe(true);
    expect(emulator.log.entries.filter((e) => e.rateLimited)).toHaveLength(2);
  });
});

describe('a run against a rate-limited DRS', () => {
  it.each([2, 10])('slows down to what DRS accepts at concurrency %i: no job deferred, exit 0, nothing sent twice', async (concurrency) => {
    // Prepare: 400 jobs, half retryable: 4 status pages and 20 retry batches, at 10 a second.
    const n = 400;
    const emulator = await emulatorWith({ rateLimit: 10, latencyMs: 5, tasks: seeds(n) });

    // Act
    const result = await runCli(['--event', '-', '--concurrency', String(concurrency), '--format', 'json'], emulatorEnv(emulator), JSON.stringify({ jobIds: jobIds(n) }));

    // Assess
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.summary).toMatchObject({ requested: n, retried: retryableCount(n), skipped: n - retryableCount(n), deferred: 0 });
    const entries = drsEntries(emulator);
    const throttled = entries.filter((e) => e.rateLimited).length;
    expect(entries.length - throttled).toBe(4 + 20);
    expect(throttled).toBeGreaterThan(0);
    expect(throttled).toBeLessThanOrEqual(entries.length - throttled);
    expect(emulator.tasks().every((task) => task.retries.length <= 1)).toBe(true);
    expect(emulator.log.peakInFlight()).toBeLessThanOrEqual(concurrency);
  });

  it('does not slow down a run that DRS does not throttle', async () => {
    // Prepare
    const n = 400;
    const emulator = await emulatorWith({ latencyMs: 200, tasks: seeds(n) });

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: jobIds(n), concurrency: 10 } });

    // Assess: the 20 retry batches go out 10 at once, each answered only after 200 ms; any
    // pacing would have spaced them out.
    expect(report.summary.retried).toBe(retryableCount(n));
    expect(emulator.log.peakInFlight('batch-retry')).toBe(10);
  });

  it('honours Retry-After: no DRS request starts before it has passed', async () => {
    // Prepare
    const emulator = await emulatorWith({ tasks: seeds(40) });
    emulator.faults.add({ route: 'batch-detail', kind: 'rate-limit', retryAfterSeconds: 1, times: 1 });

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: jobIds(40) } });

    // Assess
    expect(report.summary).toMatchObject({ retried: 20, deferred: 0 });
    const entries = drsEntries(emulator);
    const answered = entries[0]?.finishedAt ?? 0;
    expect(entries[0]?.status).toBe(429);
    expect(Math.min(...entries.slice(1).map((e) => e.startedAt))).toBeGreaterThanOrEqual(answered + 990);
  });

  it('gives up on throttling only when DRS accepted nothing for the give-up time', async () => {
    // Prepare: every retry throttled, for longer than any bound of attempts.
    const emulator = await emulatorWith({ tasks: seeds(2) });
    emulator.faults.add({ route: 'batch-retry', kind: 'throttle', times: Infinity });

    // Act
    const report = await runAgainst(emulator, { event: { jobIds: jobIds(2) }, retry: { maxAttempts: 1, throttleGiveUpAfterMs: 1_500 } });

    // Assess: one attempt is the bound for other faults, yet throttling was tried on.
    expect(report.summary).toMatchObject({ retried: 0, skipped: 1, deferred: 1 });
    expect(report.jobs[0]?.reason).toMatch(/DRS\.M01503.*accepted none of this run's requests for 2 s/);
    expect(emulator.log.byRoute('batch-retry').length).toBeGreaterThanOrEqual(2);
    expect(report.error).toBeUndefined();
  });

  it('gives up on throttling at the deadline', async () => {
    // Prepare
    const emulator = await emulatorWith({ tasks: seeds(2) });
    emulator.faults.add({ route: 'batch-retry', kind: 'throttle', times: Infinity });
    const started = Date.now();

    // Act
    const report = await runAgainst(emulator, { env: { DRS_DEADLINE_MS: '2000' }, event: { jobIds: jobIds(2) } });

    // Assess
    expect(report.summary).toMatchObject({ retried: 0, deferred: 1 });
    expect(report.jobs[0]?.reason).toMatch(/DRS\.M01503/);
    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
  });
});
