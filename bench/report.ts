/**
 * From raw runs to the figures the issue asks for (medians), the budgets, and the printed table.
 */
import type { Deployable } from './deployable.js';
import type { EngineRun, PhaseName } from './engine.js';
import { idealRequests, lowerBoundMs, medianOf, type Workload } from './fixtures.js';
import type { NaiveRun } from './naive.js';
import type { RateLimitedRun, RateLimitedWorkload } from './rateLimited.js';

/** Medians of one engine configuration over its runs. */
export interface EngineFigures {
  workload: Workload;
  runs: number;
  runMs: number;
  lowerBoundMs: number;
  /** T/T*; undefined at L = 0, where T* is 0. */
  ratio: number | undefined;
  processMs: number;
  cpuMs: number;
  maxRssMb: number;
  emulatorCpuMs: number;
  /** Phase spans against their ideal (rounds × L), from the emulator's log. */
  phases: Array<{ phase: string; requests: number; spanMs: number; idealMs: number; medianRequestMs: number; peakInFlight: number }>;
  /** Engine time between the phases, when no request is in flight: token → first read, last read → first retry. */
  gaps: { tokenToReadMs: number; readToRetryMs: number };
}

export interface Budget {
  name: string;
  limit: string;
  value: string;
  met: boolean;
}

export function engineFigures(runs: readonly EngineRun[]): EngineFigures {
  const first = runs[0];
  if (first === undefined) throw new TypeError('engineFigures needs at least one run');
  const w = first.workload;
  const bound = lowerBoundMs(w);
  const runMs = medianOf(runs, (r) => r.runMs);
  const ideal = idealRequests(w);
  const rounds = (requests: number) => Math.ceil(requests / w.concurrency) * w.latencyMs;
  const phase = (name: PhaseName, idealMs: number) => ({
    phase: name,
    requests: medianOf(runs, (r) => r.phases[name].requests),
    spanMs: medianOf(runs, (r) => r.phases[name].spanMs),
    idealMs,
    medianRequestMs: medianOf(runs, (r) => r.phases[name].medianRequestMs),
    peakInFlight: Math.max(...runs.map((r) => r.phases[name].peakInFlight)),
  });
  return {
    workload: w,
    runs: runs.length,
    runMs,
    lowerBoundMs: bound,
    ratio: bound > 0 ? runMs / bound : undefined,
    processMs: medianOf(runs, (r) => r.processMs),
    cpuMs: medianOf(runs, (r) => r.cpuMs),
    maxRssMb: medianOf(runs, (r) => r.maxRssMb),
    emulatorCpuMs: medianOf(runs, (r) => r.emulatorCpuMs),
    phases: [phase('token', w.latencyMs), phase('batch-detail', rounds(ideal.pages)), phase('batch-retry', rounds(ideal.batches))],
    gaps: {
      tokenToReadMs: medianOf(runs, (r) => r.phases['batch-detail'].startMs - r.phases.token.endMs),
      readToRetryMs: medianOf(runs, (r) => r.phases['batch-retry'].startMs - r.phases['batch-detail'].endMs),
    },
  };
}

/** Medians of the rate-limited run at one concurrency. */
export interface RateLimitedFigures {
  workload: RateLimitedWorkload;
  runs: number;
  runMs: number;
  /** accepted DRS requests ÷ R. */
  boundMs: number;
  /** T ÷ bound; the target is ≤ 1.3. */
  ratio: number;
  accepted: number;
  throttled: number;
  /** throttled ÷ accepted; the target is ≤ 0.5. */
  throttledShare: number;
  /** The most jobs any run left deferred; the target is 0. */
  deferred: number;
}

export function rateLimitedFigures(runs: readonly RateLimitedRun[]): RateLimitedFigures {
  const first = runs[0];
  if (first === undefined) throw new TypeError('rateLimitedFigures needs at least one run');
  return {
    workload: first.workload,
    runs: runs.length,
    runMs: medianOf(runs, (r) => r.runMs),
    boundMs: medianOf(runs, (r) => r.boundMs),
    ratio: medianOf(runs, (r) => r.runMs / r.boundMs),
    accepted: medianOf(runs, (r) => r.accepted),
    throttled: medianOf(runs, (r) => r.throttled),
    throttledShare: medianOf(runs, (r) => r.throttled / r.accepted),
    deferred: Math.max(...runs.map((r) => r.deferred)),
  };
}

export const naiveMedianMs = (runs: readonly NaiveRun[]): number => medianOf(runs, (r) => r.wallMs);

const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const n = (value: number) => value.toLocaleString('en-US');

function engineRow(label: string, f: EngineFigures): string[] {
  const w = f.workload;
  return [
    `${label} N=${n(w.n)} L=${w.latencyMs} ms B=${w.batchSize} C=${w.concurrency}`,
    `T ${ms(f.runMs)}` + (f.ratio === undefined ? '' : `, T* ${ms(f.lowerBoundMs)}, T/T* ${f.ratio.toFixed(2)}`),
    `process ${ms(f.processMs)}, CPU ${ms(f.cpuMs)}, peak RSS ${f.maxRssMb.toFixed(0)} MB; emulator CPU ${ms(f.emulatorCpuMs)}`,
  ];
}

export interface TableInput {
  header: string;
  engine: EngineFigures[];
  cpu: EngineFigures;
  naive: { n: number; latencyMs: number; medianMs: number; runs: number };
  engineAtNaiveN: EngineFigures;
  rateLimited: RateLimitedFigures[];
  deployable: Deployable;
  budgets: Budget[];
}

/** The table printed at the end of a run (and kept in results.json as text). */
export function renderTable(t: TableInput): string {
  const rows: string[][] = [];
  for (const f of t.engine) rows.push(engineRow('engine', f));
  const big = t.engine.at(-1);
  if (big) {
    for (const p of big.phases) {
      rows.push([
        `  phase ${p.phase}`,
        `${ms(p.spanMs)}, ideal ${ms(p.idealMs)}`,
        `${p.requests} requests, peak ${p.peakInFlight} in flight, median ${ms(p.medianRequestMs)} each in the emulator`,
      ]);
    }
    rows.push(['  engine between phases', `${ms(big.gaps.tokenToReadMs + big.gaps.readToRetryMs)}`,
      `token → first read ${ms(big.gaps.tokenToReadMs)}, last read → first retry ${ms(big.gaps.readToRetryMs)}`]);
  }
  const speedup = t.naive.medianMs / t.engineAtNaiveN.runMs;
  rows.push([
    `naive loop N=${n(t.naive.n)} L=${t.naive.latencyMs} ms`,
    `T ${ms(t.naive.medianMs)}`,
    `the engine at N=${n(t.naive.n)} takes ${ms(t.engineAtNaiveN.runMs)}: ${speedup.toFixed(0)}× faster`,
  ]);
  for (const r of t.rateLimited) {
    const w = r.workload;
    rows.push([
      `rate-limited N=${n(w.n)} R=${w.rate}/s L=${w.latencyMs} ms C=${w.concurrency}`,
      `T ${ms(r.runMs)}, bound ${ms(r.boundMs)}, ratio ${r.ratio.toFixed(2)}`,
      `${r.accepted} accepted, ${r.throttled} throttled (${(100 * r.throttledShare).toFixed(0)} %), ${r.deferred} deferred`,
    ]);
  }
  rows.push(engineRow('engine CPU', t.cpu));
  rows.push(['  engine CPU user+sys', `${(t.cpu.cpuMs / 1000).toFixed(2)} s`, 'the whole CLI process: node boot, init, event parse, run, report']);
  const d = t.deployable;
  rows.push(['bundle dist/autoRetry.cjs', kb(d.bundleBytes), `${n(d.bundleBytes)} bytes; zipped (deflate 9) ${kb(d.zipBytes)}`]);
  const top = d.composition.slice(0, 6).map((c) => `${c.part} ${kb(c.bytes)}`).join(', ');
  rows.push(['  largest parts', '', top]);
  const atInit = d.besides.filter((b) => b.atInit);
  rows.push([
    '  beside it',
    atInit.length > 0 ? `+ ${kb(atInit.reduce((sum, b) => sum + b.bytes, 0))} at init` : '',
    d.besides.map((b) => `${b.file} ${kb(b.bytes)}${b.atInit ? ' (loaded with the bundle)' : ''}`).join(', '),
  ]);
  rows.push([
    `init (median of ${d.init.processes} processes)`,
    `require ${d.init.requireMs.toFixed(1)} ms`,
    `process start → loaded ${d.init.sinceStartMs.toFixed(1)} ms (node boot alone ${d.init.nodeBootMs.toFixed(1)} ms)`,
  ]);
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ').trimEnd());
  const budgetLines = t.budgets.map((b) => `${b.met ? 'MET ' : 'MISS'}  ${b.name}: ${b.value} (budget ${b.limit})`);
  return [t.header, '', ...lines, '', ...(budgetLines.length > 0 ? ['Budgets:', ...budgetLines] : ['Budgets: not judged in --quick mode (it asserts no time)'])].join('\n');
}

/** The budgets of issue 5, judged on the medians. */
export function judgeBudgets(t: Omit<TableInput, 'budgets' | 'header'>): Budget[] {
  const big = t.engine.at(-1);
  const speedup = t.naive.medianMs / t.engineAtNaiveN.runMs;
  const budgets: Budget[] = [];
  if (big?.ratio !== undefined) {
    budgets.push({ name: `T/T* at N=${n(big.workload.n)}`, limit: '≤ 1.15', value: big.ratio.toFixed(2), met: big.ratio <= 1.15 });
  }
  budgets.push({ name: `speed-up over the naive loop at N=${n(t.naive.n)}`, limit: '≥ 100×', value: `${speedup.toFixed(0)}×`, met: speedup >= 100 });
  // Second wave (issue 13): axios and the metrics middleware included, 30 ms. Issue 18 raised the
  // bundle cap from 200 to 224 KB, for a build that survives the next axios release.
  // The bundle and what loads with it (the error family beside it), not the files only some
  // settings load (scripts/bundleOptions.mjs, SIDE_FILES); test/bundleSize.test.ts holds the cap.
  const loadedBytes = t.deployable.bundleBytes + t.deployable.besides.filter((b) => b.atInit).reduce((sum, b) => sum + b.bytes, 0);
  budgets.push({ name: 'bundle, minified, with what loads with it', limit: '≤ 224 KB', value: kb(loadedBytes), met: loadedBytes <= 224 * 1024 });
  budgets.push({ name: 'module init (require)', limit: '≤ 30 ms', value: `${t.deployable.init.requireMs.toFixed(1)} ms`, met: t.deployable.init.requireMs <= 30 });
  const rss = Math.max(big?.maxRssMb ?? 0, t.cpu.maxRssMb);
  budgets.push({ name: `peak RSS at N=${n(t.cpu.workload.n)}`, limit: '≤ 128 MB', value: `${rss.toFixed(0)} MB`, met: rss <= 128 });
  for (const r of t.rateLimited) {
    const c = `rate-limited C=${r.workload.concurrency}`;
    budgets.push({ name: `${c}: jobs deferred`, limit: '0', value: String(r.deferred), met: r.deferred === 0 });
    budgets.push({ name: `${c}: T ÷ (accepted ÷ R)`, limit: '≤ 1.3', value: r.ratio.toFixed(2), met: r.ratio <= 1.3 });
    budgets.push({ name: `${c}: throttled ÷ accepted`, limit: '≤ 50 %', value: `${(100 * r.throttledShare).toFixed(0)} %`, met: r.throttledShare <= 0.5 });
  }
  return budgets;
}
