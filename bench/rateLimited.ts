/**
 * The rate-limited run: the emulator's DRS accepts R requests a second (a sliding window) and
 * answers the rest 400 DRS.M01503; the built CLI runs with no deadline. What counts: no job
 * `deferred` (exit 0), the run's time against the rate bound (accepted DRS requests ÷ R), and
 * throttled answers against accepted ones.
 *
 *   npx tsx bench/rateLimited.ts [--n 2000] [--rate 5] [--latency 30] [--concurrency 2,10]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Report } from '../lib/core/report.js';
import { startEmulator } from '../test/emulator/index.js';
import { emulatorEnv } from '../test/support/emulatorEnv.js';
import { CLI } from './engine.js';
import { jobIds, retryableCount, seeds } from './fixtures.js';

export interface RateLimitedWorkload {
  n: number;
  /** R: DRS requests accepted per second. */
  rate: number;
  latencyMs: number;
  concurrency: number;
}

export interface RateLimitedRun {
  workload: RateLimitedWorkload;
  exitCode: number | null;
  /** The run as the engine timed it (report.durationMs). */
  runMs: number;
  /** DRS requests the emulator accepted, and answered DRS.M01503. */
  accepted: number;
  throttled: number;
  /** accepted ÷ R: no run at this rate can be faster. */
  boundMs: number;
  deferred: number;
  retried: number;
  problems: string[];
}

const DRS_ROUTES = new Set(['batch-status', 'batch-detail', 'list', 'batch-retry']);

export async function runRateLimited(w: RateLimitedWorkload): Promise<RateLimitedRun> {
  const emulator = await startEmulator({ latencyMs: w.latencyMs, tasks: seeds(w.n), rateLimit: w.rate });
  try {
    const env = { ...emulatorEnv(emulator), PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn' };
    const args = ['--event', '-', '--concurrency', String(w.concurrency), '--format', 'json'];
    const child = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      proc.on('error', reject);
      proc.on('close', (code) => resolve({ code, stdout, stderr }));
      proc.stdin.end(JSON.stringify({ jobIds: jobIds(w.n) }));
    });
    let report: Report | undefined;
    try {
      report = JSON.parse(child.stdout) as Report;
    } catch {
      report = undefined;
    }
    const drs = emulator.log.entries.filter((e) => DRS_ROUTES.has(e.route));
    const throttled = drs.filter((e) => e.rateLimited === true).length;
    const accepted = drs.length - throttled;
    const problems: string[] = [];
    if (report === undefined) problems.push(`the CLI printed no JSON report: ${child.stderr.slice(0, 300)}`);
    if (child.code !== 0) problems.push(`the CLI exited ${child.code}`);
    const retried = report?.summary.retried ?? 0;
    if (retried !== retryableCount(w.n)) problems.push(`${retried} retried, expected ${retryableCount(w.n)}`);
    for (const task of emulator.tasks()) if (task.retries.length > 1) problems.push(`${task.id} resumed ${task.retries.length} times`);
    if (emulator.log.peakInFlight() > w.concurrency) problems.push(`${emulator.log.peakInFlight()} requests in flight, limit ${w.concurrency}`);
    return {
      workload: w,
      exitCode: child.code,
      runMs: report?.durationMs ?? Number.NaN,
      accepted,
      throttled,
      boundMs: (accepted / w.rate) * 1000,
      deferred: report?.summary.deferred ?? Number.NaN,
      retried,
      problems: problems.slice(0, 10),
    };
  } finally {
    await emulator.close();
  }
}

export const describeRun = (r: RateLimitedRun): string =>
  `C=${r.workload.concurrency}: exit ${r.exitCode}, deferred ${r.deferred}, T ${(r.runMs / 1000).toFixed(1)} s, ` +
  `bound ${(r.boundMs / 1000).toFixed(1)} s, ratio ${(r.runMs / r.boundMs).toFixed(2)}, ` +
  `accepted ${r.accepted}, throttled ${r.throttled} (${((100 * r.throttled) / r.accepted).toFixed(0)} %)`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { n: { type: 'string' }, rate: { type: 'string' }, latency: { type: 'string' }, concurrency: { type: 'string' } } });
  for (const c of (values.concurrency ?? '2,10').split(',').map(Number)) {
    const run = await runRateLimited({ n: Number(values.n ?? 2000), rate: Number(values.rate ?? 5), latencyMs: Number(values.latency ?? 30), concurrency: c });
    process.stdout.write(`${describeRun(run)}${run.problems.length > 0 ? `\n  problems: ${run.problems.join('; ')}` : ''}\n`);
  }
}
