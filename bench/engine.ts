/**
 * One engine run: a fresh emulator seeded with the workload, the built CLI in a child process
 * (the code path users run: argv + env → loadConfig → connectDrs → runAutoRetry), and a check
 * that every job is accounted for, in the report and in the emulator's own records.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportInvariantProblems, type Report } from '../lib/core/report.js';
import { startEmulator, type Emulator, type EmulatorRoute } from '../test/emulator/index.js';
import { emulatorEnv } from '../test/support/emulatorEnv.js';
import { idealRequests, isRetryable, jobIds, median, retryableCount, seeds, type Workload } from './fixtures.js';

export const CLI = join(process.cwd(), 'dist', 'drs-auto-retry.cjs');
const MEASURE = join(process.cwd(), 'bench', 'measure.cjs');

/** What bench/measure.cjs writes from inside the child. */
interface ChildMeasure {
  bootMs: number;
  wallMs: number;
  userMs: number;
  systemMs: number;
  maxRssKb: number;
}

/** One route's requests, from the emulator's log; times in ms from the run's first request. */
export interface Phase {
  requests: number;
  startMs: number;
  endMs: number;
  /** First arrival to last response. */
  spanMs: number;
  /** Median time a request spent in the emulator: L plus the fixture's own queueing and work. */
  medianRequestMs: number;
  peakInFlight: number;
}

export interface EngineRun {
  workload: Workload;
  /** The run itself, as the engine timed it (report.durationMs): token, reads, retries. */
  runMs: number;
  /** The whole child process, spawn to exit: node boot, bundle init, event parse, report output. */
  processMs: number;
  cpuMs: number;
  maxRssMb: number;
  /** CPU the parent (the emulator) spent meanwhile: the fixture's share of the wall time. */
  emulatorCpuMs: number;
  phases: Record<PhaseName, Phase>;
  peakInFlight: number;
  /** Accounting problems; a benchmark run with any is a failed run. */
  problems: string[];
}

export type PhaseName = 'token' | 'batch-detail' | 'batch-retry';

function phase(emulator: Emulator, route: EmulatorRoute, origin: number): Phase {
  const entries = emulator.log.byRoute(route);
  if (entries.length === 0) return { requests: 0, startMs: 0, endMs: 0, spanMs: 0, medianRequestMs: 0, peakInFlight: 0 };
  const start = Math.min(...entries.map((e) => e.startedAt));
  const end = Math.max(...entries.map((e) => e.finishedAt ?? e.startedAt));
  return {
    requests: entries.length,
    startMs: start - origin,
    endMs: end - origin,
    spanMs: end - start,
    medianRequestMs: median(entries.map((e) => (e.finishedAt ?? e.startedAt) - e.startedAt)),
    peakInFlight: emulator.log.peakInFlight(route),
  };
}

/** Runs the child and collects its stdout, stderr and exit code. */
function runChild(env: Record<string, string>, nodeArgs: string[], args: string[], stdin: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, '--require', MEASURE, CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started });
    });
    child.stdin.end(stdin);
  });
}

/** Every way the run could have lost, doubled or misjudged a job. */
function accountingProblems(report: Report | undefined, emulator: Emulator, w: Workload, ids: string[]): string[] {
  if (report === undefined) return ['the CLI printed no JSON report'];
  const problems = reportInvariantProblems(report).map((p) => `report invariant: ${p}`);
  if (report.error) problems.push(`the run failed: ${report.error.code} ${report.error.message}`);
  const r = retryableCount(w.n);
  const { summary } = report;
  const expected = { requested: w.n, retried: r, skipped: w.n - r, retry_failed: 0, would_retry: 0, needs_attention: 0, not_found: 0, deferred: 0 };
  for (const [outcome, count] of Object.entries(expected)) {
    const got = summary[outcome as keyof typeof summary];
    if (got !== count) problems.push(`summary.${outcome} is ${got}, expected ${count}`);
  }
  ids.forEach((id, i) => {
    const retries = emulator.getTask(id)?.retries ?? [];
    const want = isRetryable(i) ? 1 : 0;
    if (retries.length !== want) problems.push(`${id} was retried ${retries.length} times, expected ${want}`);
  });
  const ideal = idealRequests(w);
  const counts: Array<[EmulatorRoute, number]> = [['token', ideal.token], ['batch-detail', ideal.pages], ['batch-retry', ideal.batches]];
  for (const [route, want] of counts) {
    const got = emulator.log.byRoute(route).length;
    if (got !== want) problems.push(`${got} ${route} requests, expected ${want}`);
  }
  const other = emulator.log.entries.length - counts.reduce((sum, [, want]) => sum + want, 0);
  if (other > 0) problems.push(`${other} unexpected requests`);
  if (emulator.log.peakInFlight() > w.concurrency) problems.push(`${emulator.log.peakInFlight()} requests in flight, limit ${w.concurrency}`);
  return problems.slice(0, 20);
}

/** NODE_OPTIONS from serverless.yml's provider environment, if it sets any. */
export function deployedNodeOptions(): { NODE_OPTIONS?: string } {
  const match = /^ {4}NODE_OPTIONS: *(.+)$/m.exec(readFileSync('serverless.yml', 'utf8'));
  return match?.[1] ? { NODE_OPTIONS: match[1].trim() } : {};
}

/**
 * One engine run against a fresh emulator; never throws for a bad run, it reports problems.
 * @param nodeArgs extra node flags for the child, e.g. `--cpu-prof`.
 */
export async function runEngine(w: Workload, nodeArgs: string[] = []): Promise<EngineRun> {
  const emulator = await startEmulator({ latencyMs: w.latencyMs, tasks: seeds(w.n) });
  const dir = mkdtempSync(join(tmpdir(), 'drs-bench-'));
  const measureFile = join(dir, 'measure.json');
  try {
    const ids = jobIds(w.n);
    // A clean environment: nothing from the caller's shell (DRS_*, OS_*, NODE_OPTIONS) leaks in,
    // but the V8 flags the function is deployed with do, so memory and time are the deployable's.
    const env = {
      ...emulatorEnv(emulator),
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      BENCH_MEASURE_FILE: measureFile,
      ...deployedNodeOptions(),
    };
    const args = ['--event', '-', '--batch-size', String(w.batchSize), '--concurrency', String(w.concurrency), '--format', 'json'];
    const cpuBefore = process.cpuUsage();
    const child = await runChild(env, nodeArgs, args, JSON.stringify({ jobIds: ids }));
    const cpu = process.cpuUsage(cpuBefore);
    let report: Report | undefined;
    try {
      report = JSON.parse(child.stdout) as Report;
    } catch {
      report = undefined;
    }
    const problems = accountingProblems(report, emulator, w, ids);
    const origin = emulator.log.entries[0]?.startedAt ?? 0;
    if (child.code !== 0) problems.unshift(`the CLI exited ${child.code}: ${child.stderr.slice(0, 500)}`);
    let measure: ChildMeasure | undefined;
    try {
      measure = JSON.parse(readFileSync(measureFile, 'utf8')) as ChildMeasure;
    } catch {
      problems.push('the child wrote no measurements');
    }
    return {
      workload: w,
      runMs: report?.durationMs ?? Number.NaN,
      processMs: child.ms,
      cpuMs: measure ? measure.userMs + measure.systemMs : Number.NaN,
      maxRssMb: measure ? measure.maxRssKb / 1024 : Number.NaN,
      emulatorCpuMs: (cpu.user + cpu.system) / 1000,
      phases: {
        token: phase(emulator, 'token', origin),
        'batch-detail': phase(emulator, 'batch-detail', origin),
        'batch-retry': phase(emulator, 'batch-retry', origin),
      },
      peakInFlight: emulator.log.peakInFlight(),
      problems,
    };
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
